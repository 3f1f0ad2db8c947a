using System.Net;
using System.Text.Json.Nodes;
using Gateway.Dicom;
using Gateway.Server.Tests.Compression;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.DicomWeb.Stow;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Security;

/// <summary>DELETE over DICOMweb for admins: index rows and every stored object go; a series' shared header goes with its last instance.</summary>
public sealed class DeleteTests(PostgresCluster cluster)
{
    private const string MrSeries = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    private const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    [Fact]
    public async Task An_admin_deletes_an_instance_then_its_study_leaving_no_rows_or_files_while_viewers_and_uploaders_get_403()
    {
        var mr = Directory.GetFiles(TestData.RequireSharedData(MrSeries), "*.dcm").Order(StringComparer.Ordinal).Take(3).ToArray();
        var ct = TestData.RequireSharedData(CtFile);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var secured = await SecuredGateway.StartAsync(cluster);
        var gateway = secured.Gateway;
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        var viewer = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Viewer));
        var uploader = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Uploader));

        using (var stow = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = new ByteArrayContent(MultipartBody.OfFiles([.. mr, ct])) })
        {
            stow.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            stow.Headers.Authorization = uploader;
            using var stored = await gateway.Http.SendAsync(stow, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var first = DicomFile.Open(mr[0]).Dataset;
        var study = first.GetString(DicomTags.StudyInstanceUID)!;
        var series = first.GetString(DicomTags.SeriesInstanceUID)!;
        var sop = first.GetString(DicomTags.SOPInstanceUID)!;
        var ctStudy = DicomFile.Open(ct).Dataset.GetString(DicomTags.StudyInstanceUID)!;
        Assert.NotEqual(study, ctStudy);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        var mrKeys = await ObjectKeysAsync(gateway, study);
        Assert.Equal(3, mrKeys.Count);
        Assert.Equal(1L, await CountAsync(gateway, "select count(*) from series_headers where series_instance_uid = @uid", series));
        Assert.Equal(4, probe.ObjectFiles().Count);

        // Neither a viewer nor an uploader may delete.
        var studyPath = $"dicomweb/studies/{study}";
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Delete, studyPath, viewer));
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Delete, studyPath, uploader));
        Assert.Equal(4, probe.ObjectFiles().Count);

        // One instance: its object goes, the series header the other two share stays.
        var instanceKeys = await ObjectKeysAsync(gateway, study, sop);
        Assert.Equal(HttpStatusCode.NoContent, await secured.SendAsync(HttpMethod.Delete, $"{studyPath}/series/{series}/instances/{sop}", admin));
        Assert.Equal(2, (await QidoAsync(gateway, viewer, $"{studyPath}/series/{series}/instances")).Count);
        Assert.Equal(1L, await CountAsync(gateway, "select count(*) from series_headers where series_instance_uid = @uid", series));
        Assert.DoesNotContain(probe.ObjectFiles(), path => instanceKeys.Any(key => path.EndsWith("/" + key, StringComparison.Ordinal)));
        Assert.Equal(3, probe.ObjectFiles().Count);

        // The study: nothing of it is found or kept; the other study is untouched.
        Assert.Equal(HttpStatusCode.NoContent, await secured.SendAsync(HttpMethod.Delete, studyPath, admin));
        Assert.Empty(await QidoAsync(gateway, viewer, $"dicomweb/studies?StudyInstanceUID={study}"));
        Assert.Empty(await QidoAsync(gateway, viewer, $"dicomweb/instances?StudyInstanceUID={study}"));
        Assert.Equal(HttpStatusCode.NotFound, await secured.SendAsync(HttpMethod.Get, $"{studyPath}/metadata", viewer));
        foreach (var table in new[] { "instances", "studies" })
        {
            Assert.Equal(0L, await CountAsync(gateway, $"select count(*) from {table} where study_instance_uid = @uid", study));
        }

        Assert.Equal(0L, await CountAsync(gateway, "select count(*) from series where series_instance_uid = @uid", series));
        Assert.Equal(0L, await CountAsync(gateway, "select count(*) from series_headers where series_instance_uid = @uid", series));
        Assert.Equal(0L, await CountAsync(gateway, "select count(*) from patients p where p.patient_id = @uid", first.GetString(DicomTags.PatientID)!));
        var left = probe.ObjectFiles();
        Assert.DoesNotContain(left, path => mrKeys.Any(key => path.EndsWith("/" + key, StringComparison.Ordinal)));
        Assert.Single(left);
        Assert.Single(await QidoAsync(gateway, viewer, $"dicomweb/studies?StudyInstanceUID={ctStudy}"));
        Assert.Equal(HttpStatusCode.NotFound, await secured.SendAsync(HttpMethod.Delete, studyPath, admin));

        // The audit shows each delete once, by the admin, naming what went; the refused ones as the viewer's and the uploader's.
        var deletes = (await Audit.AuditRows.WaitAsync(gateway, rows => rows.Count(row => row.Action == "delete") >= 5)).Where(row => row.Action == "delete").ToList();
        Assert.Equal(
            [("viewer-app", 4, study, null, "HTTP 403"), ("modality-router", 4, study, null, "HTTP 403"), ("admin-console", 0, study, sop, "1 instances deleted"), ("admin-console", 0, study, null, "2 instances deleted"), ("admin-console", 4, study, null, "HTTP 404; 0 instances deleted")],
            deletes.Select(row => (row.ActorId!, row.Outcome, row.Study!, row.Sop, row.Detail!)).ToArray());
    }

    [Fact]
    public async Task Deleting_a_study_stored_as_latents_removes_the_latents_and_their_cached_reconstructions()
    {
        // Two slices from the middle of the head (the edge slices are nearly empty and miss the 30 dB target as latents).
        var mr = Directory.GetFiles(TestData.RequireSharedData(MrSeries), "*.dcm").Order(StringComparer.Ordinal).Skip(169).Take(2).ToArray();
        await using var compression = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Representations:0"] = "Latent" });
        compression.RequireEngine();
        var gateway = compression.Gateway;
        var uids = await compression.StowAsync(mr);
        await compression.DrainAsync();
        foreach (var uid in uids)
        {
            var (state, kind, _, objects) = await compression.InstanceAsync(uid);
            Assert.Equal(("compressed", "latent"), (state, kind));
            Assert.Equal(["latent"], objects.Select(o => o.Kind));
        }

        // A retrieve decodes the latent and keeps the reconstruction in data/cache.
        var instance = TestInstance.Of(mr[0]);
        await RetrieveClients.WadoRsAsync(gateway, instance);
        var cache = Path.Combine(gateway.DataDirectory, "cache");
        Assert.NotEmpty(Directory.GetFiles(cache, "*.rc"));
        Assert.Equal(2, compression.Probe.ObjectFiles().Count);

        using (var response = await gateway.Http.DeleteAsync(new Uri($"dicomweb/studies/{instance.Study}", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Empty(compression.Probe.ObjectFiles());
        Assert.Empty(Directory.GetFiles(cache, "*.rc"));
        Assert.Equal(0, await compression.ScalarAsync("select count(*) from instances"));
        Assert.Equal(0, await compression.ScalarAsync("select count(*) from jobs"));
        using var search = await gateway.Http.GetAsync(new Uri($"dicomweb/studies?StudyInstanceUID={instance.Study}", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await search.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(body.Length == 0 || JsonNode.Parse(body)!.AsArray().Count == 0, body);
    }

    private static async Task<JsonArray> QidoAsync(GatewayInstance gateway, System.Net.Http.Headers.AuthenticationHeaderValue authorization, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = authorization;
        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{path}: {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return body.Length == 0 ? [] : JsonNode.Parse(body)!.AsArray();
    }

    private static async Task<List<string>> ObjectKeysAsync(GatewayInstance gateway, string study, string? sop = null)
    {
        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand(
            "select o.object_key from objects o join instances i on i.id = o.instance_fk where i.study_instance_uid = @study and (@sop::text is null or i.sop_instance_uid = @sop)");
        command.Parameters.AddWithValue("study", study);
        command.Parameters.AddWithValue("sop", (object?)sop ?? DBNull.Value);
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<long> CountAsync(GatewayInstance gateway, string sql, string uid)
    {
        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("uid", uid);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
