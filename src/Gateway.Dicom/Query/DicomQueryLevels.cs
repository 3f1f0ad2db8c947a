using Gateway.Dicom.Network;

namespace Gateway.Dicom.Query;

/// <summary>
/// The hierarchy of the Patient Root and Study Root Query/Retrieve information models (PS3.4 C.6.1, C.6.2): the
/// levels each model has, their unique keys, and the level each attribute belongs to.
/// </summary>
public static class DicomQueryLevels
{
    /// <summary>
    /// Attributes of the Patient Study module: they describe the patient at the time of one study, so they belong
    /// to the study level although most are in group 0010 (PS3.4 table C.6-2).
    /// </summary>
    private static readonly HashSet<DicomTag> StudyLevelPatientAttributes =
    [
        DicomTags.PatientAge, DicomTags.PatientSize, DicomTags.PatientSizeCodeSequence, DicomTags.PatientBodyMassIndex,
        DicomTags.MeasuredAPDimension, DicomTags.MeasuredLateralDimension, DicomTags.PatientWeight, DicomTags.Occupation,
        DicomTags.SmokingStatus, DicomTags.AdditionalPatientHistory, DicomTags.PregnancyStatus, DicomTags.LastMenstrualDate,
    ];

    /// <summary>Study level attributes outside group 0010 (PS3.4 tables C.6-2 and C.6-5, and the General Study module).</summary>
    private static readonly HashSet<DicomTag> StudyAttributes =
    [
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.IssuerOfAccessionNumberSequence,
        DicomTags.StudyID, DicomTags.StudyInstanceUID, DicomTags.ModalitiesInStudy, DicomTags.SOPClassesInStudy,
        DicomTags.AnatomicRegionsInStudyCodeSequence, DicomTags.ReferringPhysicianName, DicomTags.ReferringPhysicianIdentificationSequence,
        DicomTags.StudyDescription, DicomTags.ProcedureCodeSequence, DicomTags.PhysiciansOfRecord, DicomTags.NameOfPhysiciansReadingStudy,
        DicomTags.AdmittingDiagnosesDescription, DicomTags.AdmittingDiagnosesCodeSequence, DicomTags.ReferencedStudySequence,
        DicomTags.OtherStudyNumbers, DicomTags.NumberOfStudyRelatedSeries, DicomTags.NumberOfStudyRelatedInstances, DicomTags.ReasonForVisit,
    ];

    /// <summary>Patient level attributes outside group 0010: the patient counts (PS3.4 table C.6-1).</summary>
    private static readonly HashSet<DicomTag> PatientAttributes =
    [
        DicomTags.NumberOfPatientRelatedStudies, DicomTags.NumberOfPatientRelatedSeries, DicomTags.NumberOfPatientRelatedInstances,
    ];

    /// <summary>Series level attributes (PS3.4 table C.6-3, the General Series and General Equipment modules).</summary>
    private static readonly HashSet<DicomTag> SeriesAttributes =
    [
        DicomTags.Modality, DicomTags.SeriesNumber, DicomTags.SeriesInstanceUID, DicomTags.SeriesDescription,
        DicomTags.SeriesDescriptionCodeSequence, DicomTags.SeriesDate, DicomTags.SeriesTime, DicomTags.NumberOfSeriesRelatedInstances,
        DicomTags.PerformedProcedureStepStartDate, DicomTags.PerformedProcedureStepStartTime, DicomTags.PerformedProcedureStepID,
        DicomTags.PerformedProcedureStepDescription, DicomTags.RequestAttributesSequence, DicomTags.BodyPartExamined,
        DicomTags.Laterality, DicomTags.ProtocolName, DicomTags.PerformingPhysicianName, DicomTags.OperatorsName,
        DicomTags.PatientPosition, DicomTags.Manufacturer, DicomTags.InstitutionName, DicomTags.InstitutionAddress,
        DicomTags.StationName, DicomTags.InstitutionalDepartmentName, DicomTags.ManufacturerModelName,
        DicomTags.DeviceSerialNumber, DicomTags.SoftwareVersions,
    ];

    /// <summary>The level of <paramref name="text"/> (PATIENT, STUDY, SERIES or IMAGE) in <paramref name="model"/>.</summary>
    /// <exception cref="DicomQueryException">The text names no level of the model.</exception>
    public static DicomQueryLevel Parse(string text, QueryRetrieveModel model)
    {
        ArgumentNullException.ThrowIfNull(text);
        DicomQueryLevel? level = text.Trim() switch
        {
            "PATIENT" when model == QueryRetrieveModel.PatientRoot => DicomQueryLevel.Patient,
            "STUDY" => DicomQueryLevel.Study,
            "SERIES" => DicomQueryLevel.Series,
            "IMAGE" => DicomQueryLevel.Image,
            _ => null,
        };
        return level ?? throw new DicomQueryException(
            $"'{text}' is not a Query/Retrieve Level of the {model} model; use {(model == QueryRetrieveModel.PatientRoot ? "PATIENT, " : string.Empty)}STUDY, SERIES or IMAGE.");
    }

    /// <summary>The levels from the top of <paramref name="model"/> down to <paramref name="level"/>, both included.</summary>
    public static IReadOnlyList<DicomQueryLevel> PathTo(DicomQueryLevel level, QueryRetrieveModel model)
    {
        var top = model == QueryRetrieveModel.PatientRoot ? DicomQueryLevel.Patient : DicomQueryLevel.Study;
        return Enumerable.Range((int)top, Math.Max(0, (int)level - (int)top + 1)).Select(value => (DicomQueryLevel)value).ToArray();
    }

    /// <summary>The attribute that identifies one entity of <paramref name="level"/>.</summary>
    public static DicomTag UniqueKey(DicomQueryLevel level) => level switch
    {
        DicomQueryLevel.Patient => DicomTags.PatientID,
        DicomQueryLevel.Study => DicomTags.StudyInstanceUID,
        DicomQueryLevel.Series => DicomTags.SeriesInstanceUID,
        _ => DicomTags.SOPInstanceUID,
    };

    /// <summary>
    /// The level an attribute belongs to: the patient, study and series attributes of the models' tables and of
    /// the modules those levels hold; every other attribute describes the composite instance (IMAGE level).
    /// </summary>
    public static DicomQueryLevel LevelOf(DicomTag tag)
    {
        if (PatientAttributes.Contains(tag) || (tag.Group == 0x0010 && !StudyLevelPatientAttributes.Contains(tag)))
        {
            return DicomQueryLevel.Patient;
        }

        if (StudyAttributes.Contains(tag) || StudyLevelPatientAttributes.Contains(tag))
        {
            return DicomQueryLevel.Study;
        }

        return SeriesAttributes.Contains(tag) ? DicomQueryLevel.Series : DicomQueryLevel.Image;
    }
}
