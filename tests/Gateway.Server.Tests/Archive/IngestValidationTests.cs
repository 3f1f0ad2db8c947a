using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Stow;

namespace Gateway.Server.Tests.Archive;

/// <summary>
/// Issue 13 point 2: ingest validates an instance before it acknowledges it, and refuses a truncated data set, pixel
/// data shorter than the Image Pixel module needs and a first frame that does not decode, over STOW-RS and C-STORE,
/// storing nothing of them. The damaged files are written by pydicom from a real CT; the expected failure codes are
/// the standard's (PS3.4 Annex B, PS3.18 Table I.2-2).
/// </summary>
public sealed partial class IngestValidationTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData(CorruptInstances.Truncated, 0xC000, "Does not parse to its end")]
    [InlineData(CorruptInstances.ShortPixels, 0xA900, "Pixel data holds 262144 bytes")]
    [InlineData(CorruptInstances.UndecodableJ2k, 0xA900, "The first frame does not decode")]
    public async Task Point02_corrupt_instance_is_refused_by_STOW_with_its_failure_reason_and_a_reason_text_and_nothing_is_stored(string name, int failureReason, string reason)
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);

        using var response = await StowAsync(gateway, files.PathOf(name));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var json = await StowResponseJson.ReadAsync(response, TestContext.Current.CancellationToken);
        var failed = Assert.Single(json.Failed);
        Assert.Equal((files.UidOf(name), failureReason), failed);
        Assert.Empty(json.Referenced);
        var warning = Assert.Single(response.Headers.GetValues("Warning"));
        Assert.StartsWith($"299 gateway \"{files.UidOf(name)}: {reason}", warning, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Theory]
    [InlineData(CorruptInstances.ShortPixels, "-xe")]
    [InlineData(CorruptInstances.UndecodableJ2k, "-xv")]
    public async Task Point02_corrupt_instance_is_refused_by_C_STORE_from_DCMTK_storescu_with_0xA900_and_nothing_is_stored(string name, string proposal)
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);

        var (_, output, error) = ExternalTool.Run("storescu", ["-d", proposal, "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), files.PathOf(name)], "dcmtk");

        var log = output + error;
        Assert.True(StatusLine().Match(log) is { Success: true } status && status.Groups[1].Value == "a900", "storescu was not answered 0xA900:\n" + log);
        Assert.True(ErrorCommentLine().IsMatch(log), "storescu logged no Error Comment (0000,0902) in the response's status detail:\n" + log);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task Point02_truncated_data_set_is_refused_by_C_STORE_with_0xC000_and_an_error_comment_and_nothing_is_stored()
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var file = files.PathOf(CorruptInstances.Truncated);
        var header = DicomFile.Open(files.Original, new DicomReadOptions { StopBeforePixelData = true });

        var (status, comment) = await RawCStore.SendAsync(
            gateway.DicomPort, header.Dataset.GetString(DicomTags.SOPClassUID)!, files.UidOf(CorruptInstances.Truncated), DicomTransferSyntax.ExplicitVRLittleEndian, CorruptInstances.DataSetOf(file));

        Assert.Equal(0xC000, status.Code);
        Assert.StartsWith("Does not parse to its end", comment, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    internal static async Task<HttpResponseMessage> StowAsync(GatewayInstance gateway, string path)
    {
        using var content = new ByteArrayContent(MultipartBody.OfFiles([path]));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        return await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, TestContext.Current.CancellationToken);
    }

    /// <summary>No instance row (in any state), no object row, no object file, no job.</summary>
    private static async Task AssertNothingStoredAsync(GatewayInstance gateway)
    {
        Assert.Equal((0L, 0L, 0), await new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory).CountAsync());
        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand("select count(*) from jobs");
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    /// <summary>storescu -d logs the C-STORE-RSP: "DIMSE Status : 0xa900: ...".</summary>
    [GeneratedRegex(@"DIMSE Status\s*:\s*0x([0-9a-f]{4})", RegexOptions.IgnoreCase)]
    private static partial Regex StatusLine();

    /// <summary>storescu -d logs the status detail of a failure response, Error Comment among it.</summary>
    [GeneratedRegex(@"\(0000,0902\) LO \[[^\]]+\]")]
    private static partial Regex ErrorCommentLine();
}
