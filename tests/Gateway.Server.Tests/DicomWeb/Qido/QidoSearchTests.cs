using System.Net;
using System.Text.RegularExpressions;
using static Gateway.Server.Tests.DicomWeb.Qido.QidoClient;

namespace Gateway.Server.Tests.DicomWeb.Qido;

/// <summary>
/// QIDO-RS against a gateway fed by storescu; every expected answer is computed from what pydicom reads in the sent
/// files, never from the gateway's own output.
/// </summary>
public sealed class QidoSearchTests(StoredArchive archive) : IClassFixture<StoredArchive>
{
    private HttpClient Http => archive.Gateway.Http;

    [Fact]
    public async Task Every_stored_instance_is_found_by_an_unfiltered_search_and_by_its_PatientID()
    {
        Assert.Equal(archive.Instances.Select(i => i.SOPInstanceUID).ToHashSet(), await SearchValuesAsync(Http, "dicomweb/instances", SopUid));
        foreach (var patient in archive.Instances.Where(i => i.PatientID.Length > 0).GroupBy(i => i.PatientID))
        {
            var found = await SearchValuesAsync(Http, "dicomweb/instances?PatientID=" + Uri.EscapeDataString(patient.Key), SopUid);
            Assert.Equal(patient.Select(i => i.SOPInstanceUID).ToHashSet(), found);
        }
    }

    [Theory]
    [InlineData("20100101-20141231")]
    [InlineData("-20091231")]
    [InlineData("2014-")]
    [InlineData("20130308")]
    [InlineData("-2009")]
    [InlineData("2001-2006")]
    public async Task Studies_are_found_by_StudyDate_ranges_and_dates(string range)
    {
        var parts = range.Split('-');
        var (low, high) = parts.Length == 1 ? (parts[0], parts[0]) : (parts[0].Length == 0 ? "00000000" : parts[0], parts[1].Length == 0 ? "99999999" : (parts[1] + "9999")[..8]);
        var expected = archive.Instances
            .Where(i => i.StudyDate.Length == 8 && string.CompareOrdinal(i.StudyDate, low) >= 0 && string.CompareOrdinal(i.StudyDate, high) <= 0)
            .Select(i => i.StudyInstanceUID).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SearchValuesAsync(Http, "dicomweb/studies?StudyDate=" + range, StudyUid));
        Assert.Equal(
            archive.Instances.Where(i => expected.Contains(i.StudyInstanceUID)).Select(i => i.SOPInstanceUID).ToHashSet(),
            await SearchValuesAsync(Http, "dicomweb/instances?00080020=" + range, SopUid));
    }

    [Theory]
    [InlineData("*ct*")]
    [InlineData("mister*")]
    [InlineData("stc_te?t")]
    [InlineData("ANON*")]
    public async Task Studies_are_found_by_wildcard_PatientName_ignoring_case(string pattern)
    {
        var regex = new Regex("^" + Regex.Escape(pattern.ToUpperInvariant()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");
        var expected = archive.Instances.Where(i => regex.IsMatch(i.PatientName.ToUpperInvariant())).Select(i => i.StudyInstanceUID).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SearchValuesAsync(Http, "dicomweb/studies?PatientName=" + Uri.EscapeDataString(pattern), StudyUid));
    }

    [Theory]
    [InlineData("MR")]
    [InlineData("CT")]
    [InlineData("US")]
    public async Task Studies_are_found_by_ModalitiesInStudy_and_report_their_modalities_and_counts(string modality)
    {
        var expected = archive.Instances.Where(i => i.Modality == modality).Select(i => i.StudyInstanceUID).ToHashSet();
        var matches = await SearchAsync(Http, "dicomweb/studies?ModalitiesInStudy=" + modality);
        Assert.Equal(expected, matches.Select(m => Value(m, StudyUid)!).ToHashSet());
        foreach (var match in matches)
        {
            var study = archive.Instances.Where(i => i.StudyInstanceUID == Value(match, StudyUid)).ToList();
            Assert.Equal(study.Select(i => i.Modality).Distinct().Order(StringComparer.Ordinal), Values(match, "00080061"));
            Assert.Equal(study.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(match, "00201208"));
            Assert.Equal(study.Select(i => i.SeriesInstanceUID).Distinct().Count().ToString(System.Globalization.CultureInfo.InvariantCulture), Value(match, "00201206"));
        }
    }

    [Fact]
    public async Task UID_lists_select_exactly_the_entities_listed()
    {
        var studies = archive.Instances.Select(i => i.StudyInstanceUID).Distinct().Take(2).ToList();
        Assert.Equal(studies.ToHashSet(), await SearchValuesAsync(Http, "dicomweb/studies?StudyInstanceUID=" + string.Join(',', studies), StudyUid));
        var sops = archive.Instances.Where((_, n) => n % 5 == 0).Select(i => i.SOPInstanceUID).ToList();
        Assert.Equal(sops.ToHashSet(), await SearchValuesAsync(Http, "dicomweb/instances?SOPInstanceUID=" + string.Join("%2C", sops), SopUid));
    }

    [Fact]
    public async Task Series_of_a_study_report_their_instance_count_and_an_absolute_RetrieveURL()
    {
        var mr = archive.MrInstances;
        var study = mr[0].StudyInstanceUID;
        var series = await SearchAsync(Http, $"dicomweb/studies/{study}/series");
        var match = Assert.Single(series);
        Assert.Equal(mr[0].SeriesInstanceUID, Value(match, SeriesUid));
        Assert.Equal("MR", Value(match, "00080060"));
        Assert.Equal(mr.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(match, "00201209"));
        Assert.Equal(new Uri(archive.Gateway.BaseAddress, $"dicomweb/studies/{study}/series/{mr[0].SeriesInstanceUID}").ToString(), Value(match, "00081190"));
        Assert.Equal(
            mr.Select(i => i.SOPInstanceUID).ToHashSet(),
            await SearchValuesAsync(Http, $"dicomweb/studies/{study}/series/{mr[0].SeriesInstanceUID}/instances", SopUid));
        Assert.Equal(mr.Select(i => i.SOPInstanceUID).ToHashSet(), await SearchValuesAsync(Http, $"dicomweb/studies/{study}/instances", SopUid));
    }

    [Fact]
    public async Task Includefield_all_returns_every_attribute_pydicom_reads_and_includefield_names_add_one()
    {
        var instance = archive.MrInstances[3];
        var all = Assert.Single(await SearchAsync(Http, $"dicomweb/instances?SOPInstanceUID={instance.SOPInstanceUID}&includefield=all"));
        var returned = all.EnumerateObject().Select(property => property.Name).ToHashSet();
        Assert.Equal([], instance.Tags.Except(returned).ToList());

        var plain = Assert.Single(await SearchAsync(Http, $"dicomweb/instances?SOPInstanceUID={instance.SOPInstanceUID}"));
        Assert.False(plain.TryGetProperty("00180081", out _), "EchoTime is not a default attribute");
        var asked = Assert.Single(await SearchAsync(Http, $"dicomweb/instances?SOPInstanceUID={instance.SOPInstanceUID}&includefield=EchoTime&includefield=00180080,SeriesDescription"));
        Assert.True(asked.TryGetProperty("00180081", out _));
        Assert.True(asked.TryGetProperty("00180080", out _));
        Assert.True(asked.TryGetProperty("0008103E", out _));
    }

    [Fact]
    public async Task Limit_and_offset_page_through_every_instance_exactly_once()
    {
        var expected = archive.Instances.Select(i => i.SOPInstanceUID).ToList();
        var seen = new List<string>();
        for (var offset = 0; offset < expected.Count + 7; offset += 7)
        {
            var page = await SearchAsync(Http, $"dicomweb/instances?limit=7&offset={offset}");
            Assert.True(page.Count <= 7);
            seen.AddRange(page.Select(m => Value(m, SopUid)!));
        }

        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected.ToHashSet(), seen.ToHashSet());

        // Paging with a key matched on the stored headers (not a column) pages the same way.
        var mrEcho = await SearchValuesAsync(Http, $"dicomweb/instances?StudyInstanceUID={archive.MrInstances[0].StudyInstanceUID}&ImageType=*", SopUid);
        var paged = new HashSet<string>();
        for (var offset = 0; offset < 24; offset += 10)
        {
            paged.UnionWith(await SearchValuesAsync(Http, $"dicomweb/instances?StudyInstanceUID={archive.MrInstances[0].StudyInstanceUID}&ImageType=ORIGINAL*&limit=10&offset={offset}", SopUid));
        }

        Assert.Equal(archive.MrInstances.Select(i => i.SOPInstanceUID).ToHashSet(), mrEcho);
        Assert.Equal(mrEcho, paged);
    }

    [Fact]
    public async Task Percent_encoded_values_are_decoded_and_no_match_is_an_empty_array()
    {
        var expected = archive.Instances.Where(i => i.PatientName == "MISTER^CT").Select(i => i.StudyInstanceUID).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SearchValuesAsync(Http, "dicomweb/studies?PatientName=MISTER%5ECT&fuzzymatching=false", StudyUid));
        Assert.Empty(await SearchAsync(Http, "dicomweb/studies?PatientID=no-such-patient"));
    }

    [Theory]
    [InlineData("dicomweb/studies?NotAKeyword=1")]
    [InlineData("dicomweb/studies?0010002=1")]
    [InlineData("dicomweb/studies?StudyDate=2010-13-45")]
    [InlineData("dicomweb/studies?StudyDate=yesterday")]
    [InlineData("dicomweb/studies?limit=abc")]
    [InlineData("dicomweb/studies?limit=-1")]
    [InlineData("dicomweb/studies?offset=%27%3B%20drop%20table")]
    [InlineData("dicomweb/studies?includefield=Bogus")]
    [InlineData("dicomweb/studies?fuzzymatching=maybe")]
    [InlineData("dicomweb/studies?SOPInstanceUID=1.2.3")]
    [InlineData("dicomweb/series?SeriesNumber=one")]
    public async Task Bad_query_parameters_are_answered_400_with_a_reason(string url)
    {
        using var response = await Http.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }
}
