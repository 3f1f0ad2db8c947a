using System.Text.Json.Nodes;
using static Gateway.Server.Tests.Interop.DicomJsonValues;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// Debian's Orthanc 1.10 (DICOMweb plugin 1.7) as a real PACS next to the gateway: its DICOMweb client queries,
/// pulls from and pushes into the gateway, and its DICOM Q/R SCU finds studies with C-FIND and has the gateway
/// C-MOVE them back to it. Pixels are compared with pydicom's reading of the files sent.
/// </summary>
public sealed class OrthancInteropTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Orthanc_dicomweb_client_queries_the_gateway_and_pulls_studies_with_identical_pixels()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (started, mrSlices, ct) = await StartWithStoredStudiesAsync(cancellationToken);
        await using var session = started;
        var mr = mrSlices[0];
        var orthanc = session.Orthanc;
        var checks = new InteropChecks();

        var byId = await orthanc.PostAsync("dicom-web/servers/gateway/get", new
        {
            Uri = "/studies",
            Arguments = new Dictionary<string, string> { ["PatientID"] = mr.PatientID! },
        }, cancellationToken);
        checks.SetEqual([mr.StudyInstanceUID], Column(byId, "0020000D"), "QIDO through Orthanc by PatientID");

        // Orthanc's client percent-encodes '*' as %2A and '^' as %5E: the gateway must decode query values.
        var byName = await orthanc.PostAsync("dicom-web/servers/gateway/get", new
        {
            Uri = "/studies",
            Arguments = new Dictionary<string, string> { ["PatientName"] = ct.PatientName![..4] + "*" },
        }, cancellationToken);
        checks.SetEqual([ct.StudyInstanceUID], Column(byName, "0020000D"), "QIDO through Orthanc by wildcard PatientName");

        var instances = await orthanc.PostAsync("dicom-web/servers/gateway/get", new
        {
            Uri = $"/studies/{mr.StudyInstanceUID}/series/{mr.SeriesInstanceUID}/instances",
        }, cancellationToken);
        checks.SetEqual(mrSlices.Select(f => f.SOPInstanceUID), Column(instances, "00080018"), "QIDO through Orthanc: instances of the MR series");

        var study = await orthanc.PostAsync("dicom-web/servers/gateway/retrieve", new
        {
            Resources = new[] { new { Study = mr.StudyInstanceUID } },
        }, cancellationToken);
        checks.Equal("3", study["ReceivedInstancesCount"]?.ToString(), "instances Orthanc received pulling the MR study");
        var instance = await orthanc.PostAsync("dicom-web/servers/gateway/retrieve", new
        {
            Resources = new[] { new { Study = ct.StudyInstanceUID, Series = ct.SeriesInstanceUID, Instance = ct.SOPInstanceUID } },
        }, cancellationToken);
        checks.Equal("1", instance["ReceivedInstancesCount"]?.ToString(), "instances Orthanc received pulling the CT instance");

        await CheckOrthancHoldsAsync(checks, orthanc, [.. mrSlices, ct], cancellationToken);
        checks.AssertAllPassed(() => "Orthanc log (tail):\n" + Tail(orthanc.Output));
    }

    [Fact]
    public async Task Orthanc_stows_studies_into_the_gateway_chunked_and_with_content_length()
    {
        var mrFiles = InteropFiles.MrSlices(3);
        var ctFile = InteropFiles.JpegLsCtFile();
        var facts = InteropOracle.Describe([.. mrFiles, ctFile]);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var session = await OrthancPeerSession.StartAsync(cluster, cancellationToken);
        var orthanc = session.Orthanc;
        var checks = new InteropChecks();

        string? mrStudy = null;
        string? ctStudy = null;
        foreach (var file in mrFiles.Append(ctFile))
        {
            var uploaded = await orthanc.PostBytesAsync("instances", await File.ReadAllBytesAsync(file, cancellationToken), cancellationToken);
            var parent = uploaded["ParentStudy"]!.GetValue<string>();
            if (file == ctFile)
            {
                ctStudy = parent;
            }
            else
            {
                mrStudy = parent;
            }
        }

        // "gateway" sends Transfer-Encoding: chunked (Orthanc's default), "gateway-unchunked" a Content-Length.
        var chunked = await orthanc.PostAsync("dicom-web/servers/gateway/stow", new { Resources = new[] { mrStudy } }, cancellationToken);
        checks.Equal("3", chunked["InstancesCount"]?.ToString(), "instances Orthanc sent by chunked STOW-RS");
        var unchunked = await orthanc.PostAsync("dicom-web/servers/gateway-unchunked/stow", new { Resources = new[] { ctStudy } }, cancellationToken);
        checks.Equal("1", unchunked["InstancesCount"]?.ToString(), "instances Orthanc sent by STOW-RS with Content-Length");

        checks.SetEqual(facts.Values.Select(f => f.SOPInstanceUID), await session.StoredSopInstanceUidsAsync(cancellationToken),
            "SOP instances the gateway stored");
        checks.AssertAllPassed(() => "Orthanc log (tail):\n" + Tail(orthanc.Output));
    }

    [Fact]
    public async Task Orthanc_finds_studies_on_the_gateway_with_c_find_and_has_them_c_moved_to_itself()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (started, mrSlices, ct) = await StartWithStoredStudiesAsync(cancellationToken);
        await using var session = started;
        var mr = mrSlices[0];
        var orthanc = session.Orthanc;
        var checks = new InteropChecks();

        await orthanc.PostAsync("modalities/gateway/echo", new { }, cancellationToken);

        var byId = await QueryAsync(orthanc, "Study", new() { ["PatientID"] = mr.PatientID!, ["PatientName"] = "", ["StudyDate"] = "", ["ModalitiesInStudy"] = "" }, cancellationToken);
        checks.SetEqual([mr.StudyInstanceUID], byId.Answers.Select(a => a["StudyInstanceUID"]?.ToString()), "C-FIND by PatientID: studies");
        var answer = byId.Answers.Count > 0 ? byId.Answers[0] : null;
        checks.Equal(mr.PatientName, answer?["PatientName"]?.ToString(), "C-FIND by PatientID: PatientName");
        checks.Equal(mr.StudyDate, answer?["StudyDate"]?.ToString(), "C-FIND by PatientID: StudyDate");
        checks.Equal(mr.Modality, answer?["ModalitiesInStudy"]?.ToString(), "C-FIND by PatientID: ModalitiesInStudy");

        var byName = await QueryAsync(orthanc, "Study", new() { ["PatientName"] = ct.PatientName![..4] + "*", ["StudyInstanceUID"] = "" }, cancellationToken);
        checks.SetEqual([ct.StudyInstanceUID], byName.Answers.Select(a => a["StudyInstanceUID"]?.ToString()), "C-FIND by wildcard PatientName: studies");
        var byDate = await QueryAsync(orthanc, "Study", new() { ["StudyDate"] = $"{mr.StudyDate}-" }, cancellationToken);
        checks.SetEqual([mr.StudyInstanceUID], byDate.Answers.Select(a => a["StudyInstanceUID"]?.ToString()), "C-FIND by StudyDate range: studies");
        var series = await QueryAsync(orthanc, "Series", new() { ["StudyInstanceUID"] = mr.StudyInstanceUID, ["Modality"] = "" }, cancellationToken);
        checks.SetEqual([mr.SeriesInstanceUID], series.Answers.Select(a => a["SeriesInstanceUID"]?.ToString()), "C-FIND at series level");

        // C-MOVE of both studies to Orthanc's own AE title (the gateway knows it as peer ORTHANC).
        await orthanc.PostAsync($"queries/{byId.Id}/retrieve", new { TargetAet = OrthancServer.AETitle, Synchronous = true }, cancellationToken);
        await orthanc.PostAsync($"queries/{byName.Id}/retrieve", new { TargetAet = OrthancServer.AETitle, Synchronous = true }, cancellationToken);
        await CheckOrthancHoldsAsync(checks, orthanc, [.. mrSlices, ct], cancellationToken);
        checks.AssertAllPassed(() => "Orthanc log (tail):\n" + Tail(orthanc.Output));
    }

    /// <summary>Runs an Orthanc C-FIND against the gateway; the query's id and its answers (simplified tags).</summary>
    /// <summary>
    /// A gateway with Orthanc beside it, holding three MR slices and the JPEG-LS CT slice sent by storescu; the
    /// files' facts (pydicom's reading) for the checks.
    /// </summary>
    private async Task<(OrthancPeerSession Session, IReadOnlyList<FileFacts> MrSlices, FileFacts Ct)> StartWithStoredStudiesAsync(CancellationToken cancellationToken)
    {
        var mrFiles = InteropFiles.MrSlices(3);
        var ctFile = InteropFiles.JpegLsCtFile();
        var facts = InteropOracle.Describe([.. mrFiles, ctFile]);
        var session = await OrthancPeerSession.StartAsync(cluster, cancellationToken);
        try
        {
            session.StoreWithStorescu(mrFiles);
            session.StoreWithStorescu([ctFile], "-xt");
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        return (session, [.. mrFiles.Select(file => facts[file])], facts[ctFile]);
    }

    private static async Task<(string Id, IReadOnlyList<JsonNode> Answers)> QueryAsync(
        OrthancServer orthanc, string level, Dictionary<string, string> query, CancellationToken cancellationToken)
    {
        var created = await orthanc.PostAsync("modalities/gateway/query", new { Level = level, Query = query }, cancellationToken);
        var id = created["ID"]!.GetValue<string>();
        var answers = new List<JsonNode>();
        foreach (var index in (await orthanc.GetAsync($"queries/{id}/answers", cancellationToken)).AsArray())
        {
            answers.Add(await orthanc.GetAsync($"queries/{id}/answers/{index}/content?simplify", cancellationToken));
        }

        return (id, answers);
    }

    /// <summary>Orthanc holds exactly these instances, and each one's decoded pixels are those of the file sent.</summary>
    private static async Task CheckOrthancHoldsAsync(InteropChecks checks, OrthancServer orthanc, IReadOnlyList<FileFacts> expected, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-orthanc-files-").FullName;
        try
        {
            var files = await orthanc.DownloadAllInstancesAsync(folder, cancellationToken);
            var received = files.Count == 0 ? new Dictionary<string, FileFacts>() : InteropOracle.Describe(files);
            checks.SetEqual(expected.Select(f => f.SOPInstanceUID), received.Values.Select(f => f.SOPInstanceUID), "SOP instances Orthanc holds");
            foreach (var facts in received.Values)
            {
                var original = expected.FirstOrDefault(f => f.SOPInstanceUID == facts.SOPInstanceUID);
                checks.Equal(original?.PixelSha256, facts.PixelSha256, $"decoded pixels of {facts.SOPInstanceUID} in Orthanc (sent as {original?.TransferSyntaxUID}, received as {facts.TransferSyntaxUID})");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
