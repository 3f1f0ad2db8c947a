using Gateway.Dicom.Network;
using Gateway.Dicom.Query;
using static Gateway.Dicom.Tests.Network.QueryRetrieve.QueryData;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// The hierarchical search over a small known archive: patient P1 with study S1 (series A: CT, instances 2 and 1;
/// series B: MR, one instance) and patient P2 with study S2 (series C: CT, one instance).
/// </summary>
public class HierarchicalQueryTests
{
    private static readonly DicomDataset[] Archive =
    [
        Instance("P1", "ONE^PATIENT", "S1", "20091203", "A", "CT", "A.2", "2"),
        Instance("P1", "ONE^PATIENT", "S1", "20091203", "A", "CT", "A.1", "1"),
        Instance("P1", "ONE^PATIENT", "S1", "20091203", "B", "MR", "B.1", "1"),
        Instance("P2", "TWO^PATIENT", "S2", "19001231", "C", "CT", "C.1", "1"),
    ];

    private static DicomDataset Instance(string patientId, string name, string study, string date, string series, string modality, string sop, string number) =>
        Dataset(
            (DicomTags.PatientID, DicomVR.LO, patientId),
            (DicomTags.PatientName, DicomVR.PN, name),
            (DicomTags.StudyInstanceUID, DicomVR.UI, study),
            (DicomTags.StudyDate, DicomVR.DA, date),
            (DicomTags.SeriesInstanceUID, DicomVR.UI, series),
            (DicomTags.Modality, DicomVR.CS, modality),
            (DicomTags.SOPInstanceUID, DicomVR.UI, sop),
            (DicomTags.SOPClassUID, DicomVR.UI, modality == "CT" ? DicomUids.CTImageStorage : DicomUids.MRImageStorage),
            (DicomTags.InstanceNumber, DicomVR.IS, number));

    private static List<DicomDataset> Find(QueryRetrieveModel model, string level, DicomDataset identifier) =>
        HierarchicalQuery.Find(Archive, header => header, model, level, identifier).ToList();

    [Fact]
    public void Study_level_returns_one_response_per_study_with_patient_attributes_and_computed_counts()
    {
        var identifier = Dataset(
            (DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty),
            (DicomTags.PatientName, DicomVR.PN, string.Empty),
            (DicomTags.ModalitiesInStudy, DicomVR.CS, string.Empty),
            (DicomTags.NumberOfStudyRelatedSeries, DicomVR.IS, string.Empty),
            (DicomTags.NumberOfStudyRelatedInstances, DicomVR.IS, string.Empty));
        var responses = Find(QueryRetrieveModel.StudyRoot, "STUDY", identifier);

        Assert.Equal(["S1", "S2"], responses.Select(response => response.GetString(DicomTags.StudyInstanceUID)));
        Assert.Equal("ONE^PATIENT", responses[0].GetString(DicomTags.PatientName));
        Assert.Equal(["CT", "MR"], responses[0].GetStrings(DicomTags.ModalitiesInStudy));
        Assert.Equal("2", responses[0].GetString(DicomTags.NumberOfStudyRelatedSeries));
        Assert.Equal("3", responses[0].GetString(DicomTags.NumberOfStudyRelatedInstances));
        Assert.Equal(["CT"], responses[1].GetStrings(DicomTags.ModalitiesInStudy));
    }

    [Fact]
    public void Computed_attributes_are_matching_keys_too()
    {
        var identifier = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty), (DicomTags.ModalitiesInStudy, DicomVR.CS, "MR"));
        Assert.Equal("S1", Assert.Single(Find(QueryRetrieveModel.StudyRoot, "STUDY", identifier)).GetString(DicomTags.StudyInstanceUID));
    }

    [Fact]
    public void Keys_of_a_lower_level_are_not_matched_and_come_back_empty()
    {
        var identifier = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty), (DicomTags.Modality, DicomVR.CS, "MR"));
        var responses = Find(QueryRetrieveModel.StudyRoot, "STUDY", identifier);
        Assert.Equal(2, responses.Count);
        Assert.All(responses, response => Assert.Empty(response.GetStrings(DicomTags.Modality)));
    }

    [Fact]
    public void Series_level_needs_the_study_unique_key_and_returns_the_series_of_that_study()
    {
        var withoutStudy = Dataset((DicomTags.SeriesInstanceUID, DicomVR.UI, string.Empty));
        Assert.Throws<DicomQueryException>(() => Find(QueryRetrieveModel.StudyRoot, "SERIES", withoutStudy));

        var identifier = Dataset(
            (DicomTags.StudyInstanceUID, DicomVR.UI, "S1"),
            (DicomTags.SeriesInstanceUID, DicomVR.UI, string.Empty),
            (DicomTags.Modality, DicomVR.CS, string.Empty),
            (DicomTags.NumberOfSeriesRelatedInstances, DicomVR.IS, string.Empty));
        var responses = Find(QueryRetrieveModel.StudyRoot, "SERIES", identifier);
        Assert.Equal(["A", "B"], responses.Select(response => response.GetString(DicomTags.SeriesInstanceUID)));
        Assert.Equal(["CT", "MR"], responses.Select(response => response.GetString(DicomTags.Modality)));
        Assert.Equal(["2", "1"], responses.Select(response => response.GetString(DicomTags.NumberOfSeriesRelatedInstances)));
        Assert.All(responses, response => Assert.Equal("S1", response.GetString(DicomTags.StudyInstanceUID)));
    }

    [Fact]
    public void Patient_level_exists_only_in_the_patient_root_model_and_counts_the_patient_entities()
    {
        var identifier = Dataset(
            (DicomTags.PatientID, DicomVR.LO, string.Empty),
            (DicomTags.NumberOfPatientRelatedStudies, DicomVR.IS, string.Empty),
            (DicomTags.NumberOfPatientRelatedSeries, DicomVR.IS, string.Empty),
            (DicomTags.NumberOfPatientRelatedInstances, DicomVR.IS, string.Empty));
        Assert.Throws<DicomQueryException>(() => Find(QueryRetrieveModel.StudyRoot, "PATIENT", identifier));

        var responses = Find(QueryRetrieveModel.PatientRoot, "PATIENT", identifier);
        Assert.Equal(["P1", "P2"], responses.Select(response => response.GetString(DicomTags.PatientID)));
        Assert.Equal(["1", "2", "3"], new[] { DicomTags.NumberOfPatientRelatedStudies, DicomTags.NumberOfPatientRelatedSeries, DicomTags.NumberOfPatientRelatedInstances }.Select(tag => responses[0].GetString(tag)));
    }

    [Fact]
    public void Patient_root_study_level_needs_the_patient_id()
    {
        var identifier = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty));
        Assert.Throws<DicomQueryException>(() => Find(QueryRetrieveModel.PatientRoot, "STUDY", identifier));
        identifier.SetString(DicomTags.PatientID, DicomVR.LO, "P2");
        Assert.Equal("S2", Assert.Single(Find(QueryRetrieveModel.PatientRoot, "STUDY", identifier)).GetString(DicomTags.StudyInstanceUID));
    }

    [Fact]
    public void The_identifier_character_set_applies_to_its_keys_at_every_level()
    {
        var latin1 = Dataset(
            (DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100"),
            (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, "S9"));
        var identifier = Dataset(
            (DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"),
            (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty));
        var response = Assert.Single(HierarchicalQuery.Find([latin1], header => header, QueryRetrieveModel.StudyRoot, "STUDY", identifier));
        Assert.Equal("ISO_IR 100", response.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Buc^Jérôme", response.GetString(DicomTags.PatientName));
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("study")]
    public void An_unknown_level_is_refused(string level) =>
        Assert.Throws<DicomQueryException>(() => Find(QueryRetrieveModel.StudyRoot, level, new DicomDataset()));

    [Fact]
    public void Retrieve_selects_by_the_unique_key_of_the_level_in_instance_number_order()
    {
        var identifier = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, "S1"), (DicomTags.SeriesInstanceUID, DicomVR.UI, "A"));
        var selected = HierarchicalQuery.SelectForRetrieve(Archive, header => header, QueryRetrieveModel.StudyRoot, "SERIES", identifier);
        Assert.Equal(["A.1", "A.2"], selected.Select(header => header.GetString(DicomTags.SOPInstanceUID)));

        var studies = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, @"S1\S2"));
        Assert.Equal(4, HierarchicalQuery.SelectForRetrieve(Archive, header => header, QueryRetrieveModel.StudyRoot, "STUDY", studies).Count);

        var wrongStudy = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, "S2"), (DicomTags.SeriesInstanceUID, DicomVR.UI, "A"));
        Assert.Empty(HierarchicalQuery.SelectForRetrieve(Archive, header => header, QueryRetrieveModel.StudyRoot, "SERIES", wrongStudy));
    }

    [Fact]
    public void Retrieve_without_the_unique_key_of_its_level_is_refused()
    {
        var identifier = Dataset((DicomTags.StudyInstanceUID, DicomVR.UI, "S1"));
        Assert.Throws<DicomQueryException>(() => HierarchicalQuery.SelectForRetrieve(Archive, header => header, QueryRetrieveModel.StudyRoot, "SERIES", identifier));
    }
}
