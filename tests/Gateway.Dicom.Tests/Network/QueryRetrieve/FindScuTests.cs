using System.Text.RegularExpressions;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// DCMTK findscu against our folder archive. Expected answers are derived from what pydicom reads from the stored
/// files (<see cref="QueryRetrieveFixture.Instances"/>) with plain comparisons written here, never from our matcher.
/// </summary>
[Collection(QueryRetrieveCollection.Name)]
public class FindScuTests(QueryRetrieveFixture fixture)
{
    private const string StudyRoot = "-S";
    private const string PatientRoot = "-P";
    private const ushort Success = 0x0000;

    private IReadOnlyList<OracleInstance> Instances => fixture.Instances;

    private string MrStudy => Instances.First(instance => instance.File.Contains("mprage", StringComparison.Ordinal)).StudyInstanceUID;

    private string MultiSyntaxStudy => Instances.First(instance => instance.File.Contains("dcm_qa_ts", StringComparison.Ordinal)).StudyInstanceUID;

    [Fact]
    public void Study_level_with_patient_name_star_returns_every_study_with_its_counts_and_modalities()
    {
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot,
        [
            "QueryRetrieveLevel=STUDY", "PatientName=*", "StudyInstanceUID", "PatientID", "StudyDate",
            "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
        ]);

        result.AssertFinalStatus(Success);
        var expected = Instances.GroupBy(instance => instance.StudyInstanceUID).ToDictionary(
            study => study.Key,
            study => string.Join('|',
                study.First().PatientID,
                study.First().StudyDate,
                string.Join('\\', study.Select(instance => instance.Modality).Distinct().Order(StringComparer.Ordinal)),
                study.Select(instance => instance.SeriesInstanceUID).Distinct().Count(),
                study.Count()));
        var actual = result.Responses.ToDictionary(
            response => response["StudyInstanceUID"],
            response => string.Join('|',
                response["PatientID"], response["StudyDate"], response["ModalitiesInStudy"],
                response["NumberOfStudyRelatedSeries"], response["NumberOfStudyRelatedInstances"]));
        Assert.Equal(result.Responses.Count, actual.Count);
        Assert.Equal(expected.OrderBy(pair => pair.Key), actual.OrderBy(pair => pair.Key));
    }

    [Fact]
    public void Question_mark_and_star_wild_cards_select_patient_names()
    {
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot, ["QueryRetrieveLevel=STUDY", "PatientName=a0?2*", "StudyInstanceUID"]);

        // "?" is one character, "*" any run; person names match regardless of case (our documented choice).
        var pattern = new Regex("^A0.2", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var expected = Instances.Where(instance => pattern.IsMatch(instance.PatientName)).Select(instance => instance.StudyInstanceUID).Distinct().Order(StringComparer.Ordinal);
        result.AssertFinalStatus(Success);
        Assert.Equal(6, expected.Count());
        Assert.Equal(expected, result.Responses.Select(response => response["StudyInstanceUID"]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("20000101-", "20000101", "99991231")]
    [InlineData("-20201231", "00000000", "20201231")]
    [InlineData("20130308", "20130308", "20130308")]
    [InlineData("20040826-20091203", "20040826", "20091203")]
    public void Date_ranges_select_studies_by_study_date_bounds_included(string key, string from, string to)
    {
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot, ["QueryRetrieveLevel=STUDY", "StudyDate=" + key, "StudyInstanceUID"]);

        // YYYYMMDD strings sort as the dates they name; a study without a date matches no range.
        var expected = Instances
            .Where(instance => instance.StudyDate.Length == 8 && string.CompareOrdinal(instance.StudyDate, from) >= 0 && string.CompareOrdinal(instance.StudyDate, to) <= 0)
            .Select(instance => instance.StudyInstanceUID).Distinct().Order(StringComparer.Ordinal).ToList();
        result.AssertFinalStatus(Success);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Responses.Select(response => response["StudyInstanceUID"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_list_of_study_UIDs_returns_exactly_those_studies()
    {
        var wanted = new[] { MrStudy, MultiSyntaxStudy, Instances[0].StudyInstanceUID }.Distinct().Order(StringComparer.Ordinal).ToList();
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot, ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + string.Join('\\', wanted)]);

        result.AssertFinalStatus(Success);
        Assert.Equal(wanted, result.Responses.Select(response => response["StudyInstanceUID"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Series_level_returns_the_series_of_the_study_with_their_instance_counts()
    {
        foreach (var study in new[] { MrStudy, MultiSyntaxStudy })
        {
            var result = DcmtkScu.Find(fixture.Archive, StudyRoot,
                ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + study, "SeriesInstanceUID", "Modality", "SeriesNumber", "NumberOfSeriesRelatedInstances"]);

            var expected = Instances.Where(instance => instance.StudyInstanceUID == study).GroupBy(instance => instance.SeriesInstanceUID)
                .Select(series => $"{series.Key}|{series.First().Modality}|{series.First().SeriesNumber}|{series.Count()}").Order(StringComparer.Ordinal);
            result.AssertFinalStatus(Success);
            Assert.Equal(expected, result.Responses
                .Select(response => $"{response["SeriesInstanceUID"]}|{response["Modality"]}|{response["SeriesNumber"]}|{response["NumberOfSeriesRelatedInstances"]}")
                .Order(StringComparer.Ordinal));
            Assert.All(result.Responses, response => Assert.Equal(study, response["StudyInstanceUID"]));
        }
    }

    [Fact]
    public void Image_level_returns_every_instance_of_the_series_with_its_instance_number()
    {
        var series = Instances.First(instance => instance.StudyInstanceUID == MrStudy).SeriesInstanceUID;
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot,
            ["QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + MrStudy, "SeriesInstanceUID=" + series, "SOPInstanceUID", "InstanceNumber", "SOPClassUID"]);

        var expected = Instances.Where(instance => instance.SeriesInstanceUID == series)
            .Select(instance => $"{instance.SOPInstanceUID}|{instance.InstanceNumber}|{instance.SOPClassUID}").Order(StringComparer.Ordinal).ToList();
        result.AssertFinalStatus(Success);
        Assert.Equal(192, expected.Count);
        Assert.Equal(expected, result.Responses.Select(response => $"{response["SOPInstanceUID"]}|{response["InstanceNumber"]}|{response["SOPClassUID"]}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Modality", "?R", "20000101-")]
    [InlineData("SeriesDescription", "*2.5*", "-19001231")]
    [InlineData("SeriesDescription", "CHEST 1.25 M?", "19010101-19011231")]
    public void Series_level_wild_cards_and_series_date_ranges_select_the_series_of_each_study(string keyword, string wildcard, string dateRange)
    {
        var studies = Instances.Select(instance => instance.StudyInstanceUID).Distinct().Order(StringComparer.Ordinal).ToList();
        var actual = new List<string>();
        foreach (var study in studies)
        {
            var result = DcmtkScu.Find(fixture.Archive, StudyRoot,
                ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + study, $"{keyword}={wildcard}", "SeriesDate=" + dateRange, "SeriesInstanceUID"]);
            result.AssertFinalStatus(Success);
            actual.AddRange(result.Responses.Select(response => response["SeriesInstanceUID"]));
        }

        // Wild cards on LO and CS are case sensitive; a series without a date matches no range.
        var pattern = WildcardRegex(wildcard);
        var (from, to) = DateBounds(dateRange);
        var expected = Instances
            .Where(instance => pattern.IsMatch(keyword == "Modality" ? instance.Modality : instance.SeriesDescription))
            .Where(instance => instance.SeriesDate.Length == 8 && string.CompareOrdinal(instance.SeriesDate, from) >= 0 && string.CompareOrdinal(instance.SeriesDate, to) <= 0)
            .Select(instance => instance.SeriesInstanceUID).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < Instances.Select(instance => instance.SeriesInstanceUID).Distinct().Count(), "the keys select every series");
        Assert.Equal(expected, actual.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("081102.900000-081103.100000", "N?RM")]
    [InlineData("-081102.850000", "*")]
    [InlineData("081103.050000-", "*OR*")]
    [InlineData("081102.900000-081103.100000", "MOS*")]
    public void Image_level_time_ranges_and_wild_cards_on_a_multi_valued_key_select_the_instances_of_the_series(string contentTimeRange, string imageType)
    {
        var series = Instances.First(instance => instance.StudyInstanceUID == MrStudy).SeriesInstanceUID;
        var result = DcmtkScu.Find(fixture.Archive, StudyRoot,
        [
            "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + MrStudy, "SeriesInstanceUID=" + series,
            "ContentTime=" + contentTimeRange, "ImageType=" + imageType, "SOPInstanceUID",
        ]);

        // The MR series' content times and the bounds are all HHMMSS.FFFFFF, which compare as decimal numbers (bounds
        // given to the microsecond, so no reading of a coarser bound as a whole period comes into it); a multi-valued
        // attribute matches when any of its values does.
        var bounds = contentTimeRange.Split('-');
        var earliest = bounds[0].Length > 0 ? decimal.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture) : decimal.MinValue;
        var latest = bounds[1].Length > 0 ? decimal.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) : decimal.MaxValue;
        var pattern = WildcardRegex(imageType);
        var inSeries = Instances.Where(instance => instance.SeriesInstanceUID == series).ToList();
        var expected = inSeries
            .Where(instance => decimal.Parse(instance.ContentTime, System.Globalization.CultureInfo.InvariantCulture) is var time && time >= earliest && time <= latest)
            .Where(instance => instance.ImageType.Split('\\').Any(pattern.IsMatch))
            .Select(instance => instance.SOPInstanceUID).Order(StringComparer.Ordinal).ToList();
        result.AssertFinalStatus(Success);
        Assert.True(expected.Count < inSeries.Count, "the keys select every instance");
        Assert.Equal(expected, result.Responses.Select(response => response["SOPInstanceUID"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Patient_level_of_the_patient_root_model_returns_each_patient_with_names_in_their_character_sets_and_counts()
    {
        var result = DcmtkScu.Find(fixture.Archive, PatientRoot,
        [
            "QueryRetrieveLevel=PATIENT", "PatientID=*", "PatientName", "NumberOfPatientRelatedStudies",
            "NumberOfPatientRelatedSeries", "NumberOfPatientRelatedInstances",
        ]);

        // DCMTK converts the responses to UTF-8 for its XML; pydicom decodes the files: both give Unicode text.
        var expected = Instances.GroupBy(instance => instance.PatientID).Select(patient => string.Join('|',
            patient.Key,
            NameWithoutEmptyTail(patient.First().PatientName),
            patient.Select(instance => instance.StudyInstanceUID).Distinct().Count(),
            patient.Select(instance => instance.SeriesInstanceUID).Distinct().Count(),
            patient.Count())).Order(StringComparer.Ordinal).ToList();
        result.AssertFinalStatus(Success);
        Assert.Contains(expected, line => line.Contains("Buc^Jérôme", StringComparison.Ordinal));
        Assert.Equal(expected, result.Responses.Select(response => string.Join('|',
            response["PatientID"], NameWithoutEmptyTail(response["PatientName"]), response["NumberOfPatientRelatedStudies"],
            response["NumberOfPatientRelatedSeries"], response["NumberOfPatientRelatedInstances"])).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Patient_root_study_level_returns_the_studies_of_the_patient()
    {
        var patient = Instances[0].PatientID;
        var result = DcmtkScu.Find(fixture.Archive, PatientRoot, ["QueryRetrieveLevel=STUDY", "PatientID=" + patient, "StudyInstanceUID"]);

        result.AssertFinalStatus(Success);
        Assert.Equal(
            Instances.Where(instance => instance.PatientID == patient).Select(instance => instance.StudyInstanceUID).Distinct().Order(StringComparer.Ordinal),
            result.Responses.Select(response => response["StudyInstanceUID"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_name_sent_in_UTF_8_finds_a_patient_stored_in_ISO_8859_1_and_the_response_declares_the_stored_character_set()
    {
        var folder = fixture.Archive.NewFolder("charset");
        var result = DcmtkScu.FindToFiles(fixture.Archive, StudyRoot, folder,
            ["QueryRetrieveLevel=STUDY", "SpecificCharacterSet=ISO_IR 192", "PatientName=Buc^Jérôme", "StudyInstanceUID"]);

        // The response as it came over the wire (findscu -X), read by pydicom.
        var stored = Assert.Single(Instances, instance => instance.File.EndsWith("chrFren.dcm", StringComparison.Ordinal));
        result.AssertFinalStatus(Success);
        var response = Assert.Single(QrOracle.Headers(Directory.GetFiles(folder, "rsp*.dcm")));
        Assert.Equal(stored.StudyInstanceUID, response.StudyInstanceUID);
        Assert.Equal("ISO_IR 100", response.SpecificCharacterSet);
        Assert.Equal("Buc^Jérôme", response.PatientName);
    }

    /// <summary>A DICOM wild card as a whole-value regular expression: "*" any run, "?" one character, case sensitive.</summary>
    private static Regex WildcardRegex(string wildcard) =>
        new("^" + Regex.Escape(wildcard).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    /// <summary>The inclusive YYYYMMDD bounds of a DA range ("A-", "-B", "A-B").</summary>
    private static (string From, string To) DateBounds(string range)
    {
        var parts = range.Split('-');
        return (parts[0].Length > 0 ? parts[0] : "00000000", parts[1].Length > 0 ? parts[1] : "99991231");
    }

    private static string NameWithoutEmptyTail(string name) => name.TrimEnd('=', '^', ' ');
}
