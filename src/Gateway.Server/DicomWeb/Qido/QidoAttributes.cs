using Gateway.Dicom;
using Gateway.Dicom.Query;

namespace Gateway.Server.DicomWeb.Qido;

/// <summary>
/// The attributes a QIDO-RS response holds for each match without includefield (PS3.18 table 6.7.1-2 and its
/// series and instance counterparts): those of the level searched, and those of the levels above that the URL does
/// not fix (a search of all series returns the study attributes too).
/// </summary>
public static class QidoAttributes
{
    public static readonly IReadOnlyList<DicomTag> Study =
    [
        DicomTags.SpecificCharacterSet, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.InstanceAvailability,
        DicomTags.ModalitiesInStudy, DicomTags.ReferringPhysicianName, DicomTags.TimezoneOffsetFromUTC, DicomTags.RetrieveURL,
        DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyInstanceUID,
        DicomTags.StudyID, DicomTags.StudyDescription, DicomTags.NumberOfStudyRelatedSeries, DicomTags.NumberOfStudyRelatedInstances,
    ];

    public static readonly IReadOnlyList<DicomTag> Series =
    [
        DicomTags.SpecificCharacterSet, DicomTags.Modality, DicomTags.TimezoneOffsetFromUTC, DicomTags.SeriesDescription, DicomTags.RetrieveURL,
        DicomTags.SeriesInstanceUID, DicomTags.SeriesNumber, DicomTags.NumberOfSeriesRelatedInstances, DicomTags.PerformedProcedureStepStartDate,
        DicomTags.PerformedProcedureStepStartTime, DicomTags.RequestAttributesSequence,
    ];

    public static readonly IReadOnlyList<DicomTag> Instance =
    [
        DicomTags.SpecificCharacterSet, DicomTags.SOPClassUID, DicomTags.SOPInstanceUID, DicomTags.InstanceAvailability,
        DicomTags.TimezoneOffsetFromUTC, DicomTags.RetrieveURL, DicomTags.InstanceNumber, DicomTags.Rows, DicomTags.Columns,
        DicomTags.BitsAllocated, DicomTags.NumberOfFrames,
    ];

    /// <summary>The default attributes of a search at <paramref name="level"/> whose path fixes the study and series given.</summary>
    public static HashSet<DicomTag> Defaults(DicomQueryLevel level, bool studyInPath, bool seriesInPath)
    {
        var tags = new HashSet<DicomTag>(level switch
        {
            DicomQueryLevel.Study => Study,
            DicomQueryLevel.Series => Series,
            _ => Instance,
        });
        if (level > DicomQueryLevel.Study && !studyInPath)
        {
            tags.UnionWith(Study);
        }

        if (level > DicomQueryLevel.Series && !seriesInPath)
        {
            tags.UnionWith(Series);
        }

        // Every match names its place in the hierarchy.
        tags.Add(DicomTags.StudyInstanceUID);
        if (level >= DicomQueryLevel.Series)
        {
            tags.Add(DicomTags.SeriesInstanceUID);
        }

        return tags;
    }
}
