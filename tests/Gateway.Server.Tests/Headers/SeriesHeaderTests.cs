using System.Net;
using Gateway.Core.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Headers;

/// <summary>
/// Headers once per series, through a real gateway (storescu in, PostgreSQL, pydicom as the judge): each series gets
/// one series header, each instance a delta against it, and every element of every instance (private CSA blocks,
/// long private OB, ICC profile and VOI LUT data included) is rebuilt as sent from the index alone: with every
/// object file deleted and after a restart (a new process state: an empty series header cache).
/// </summary>
public sealed class SeriesHeaderTests(PostgresCluster cluster)
{
    private const string Mprage = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";
    private const string Mr640 = "volumes/mr-640x640__Seg3DData-example_dicom";
    private const string CtSlices = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU";
    private const string MrSlice = Mprage + "/0170-1.3.12.2.1107.5.2.19.45152.2013030808105619763585513.dcm";

    /// <summary>The target for the MPRAGE series: header bytes (delta column and the series header's share) per instance.</summary>
    private const int MaxHeaderBytesPerInstance = 1536;

    [Fact]
    public async Task The_MPRAGE_series_sent_over_four_associations_at_once_shares_one_series_header_and_every_element_comes_back_from_the_index_alone()
    {
        var sent = Directory.GetFiles(TestData.RequireSharedData(Mprage), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var rebuilt = Directory.CreateTempSubdirectory("series-header-").FullName;
        try
        {
            await using var gateway = await HeaderStoreGateway.StartAsync(cluster);
            await gateway.StoreAsync(sent, associations: 4);

            Assert.Equal(sent.Count, await gateway.ScalarAsync("select count(*) from instances where state = 'stored'"));
            Assert.Equal(1, await gateway.ScalarAsync("select count(*) from series_headers"));
            Assert.Equal(0, await gateway.ScalarAsync("select count(*) from instances where header is not null or header_delta is null or series_header_fk <> (select id from series_headers)"));
            var perInstance = await gateway.ScalarAsync(
                "select ceil((sum(pg_column_size(header_delta)) + (select sum(pg_column_size(content)) from series_headers)) / count(*)::numeric) from instances");
            Assert.True(perInstance <= MaxHeaderBytesPerInstance, $"The MPRAGE headers take {perInstance} bytes per instance, more than {MaxHeaderBytesPerInstance}.");

            gateway.DeleteObjects();
            await gateway.RestartAsync();
            await gateway.RebuildAsync(sent, rebuilt);
            HeaderStoreGateway.AssertSameElements(Path.GetDirectoryName(sent[0])!, rebuilt, sent.Count);
        }
        finally
        {
            Directory.Delete(rebuilt, recursive: true);
        }
    }

    [Fact]
    public async Task The_640x640_MR_series_CT_slices_and_a_slice_with_long_private_OB_ICC_and_VOI_LUT_values_come_back_with_every_element_as_sent()
    {
        var folder = Directory.CreateTempSubdirectory("series-header-").FullName;
        try
        {
            var mr640 = Directory.CreateDirectory(Path.Combine(folder, "mr640")).FullName;
            // The series as shared lacks a Series Instance UID, which the archive requires: pydicom adds one.
            ExternalTool.RunChecked(ExternalTool.DebianPython, [HeaderStoreGateway.Oracle, "with-series", TestData.RequireSharedData(Mr640), mr640, "1.2.826.0.1.3680043.8.498.11640"], "python3-pydicom");
            var ct = TestData.RequireSharedData(CtSlices);
            var longValues = Directory.CreateDirectory(Path.Combine(folder, "long")).FullName;
            ExternalTool.RunChecked(ExternalTool.DebianPython, [HeaderStoreGateway.Oracle, "add", TestData.RequireSharedData(MrSlice), Path.Combine(longValues, "long-values.dcm")], "python3-pydicom");

            await using var gateway = await HeaderStoreGateway.StartAsync(cluster);
            var sets = new[] { mr640, ct, longValues };
            foreach (var set in sets)
            {
                await gateway.StoreAsync(Directory.GetFiles(set));
            }

            Assert.Equal(0, await gateway.ScalarAsync("select count(*) from instances where header is not null or header_delta is null"));
            Assert.Equal(
                await gateway.ScalarAsync("select count(distinct series_instance_uid) from instances"),
                await gateway.ScalarAsync("select count(*) from series_headers"));

            gateway.DeleteObjects();
            await gateway.RestartAsync();
            foreach (var set in sets)
            {
                var files = Directory.GetFiles(set);
                var rebuilt = Directory.CreateDirectory(Path.Combine(folder, "rebuilt-" + Path.GetFileName(set))).FullName;
                await gateway.RebuildAsync(files, rebuilt);
                HeaderStoreGateway.AssertSameElements(set, rebuilt, files.Length);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_damaged_series_header_or_delta_is_a_clear_error_and_metadata_is_refused_never_served_wrong()
    {
        var sent = Directory.GetFiles(TestData.RequireSharedData(Mprage), "*.dcm").Order(StringComparer.Ordinal).Take(3).ToList();
        await using var gateway = await HeaderStoreGateway.StartAsync(cluster);
        await gateway.StoreAsync(sent);
        var instance = DicomWeb.Retrieve.TestInstance.Of(sent[0]);
        var metadata = instance.InstancePath + "/metadata";
        using (var intact = await gateway.Gateway.Http.GetAsync(new Uri(metadata, UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, intact.StatusCode);
        }

        // A damaged delta over an intact series header fails its frame's checksum.
        var stored = (await gateway.StoredHeadersAsync())[instance.Sop];
        var delta = stored.Delta!.ToArray();
        delta[delta.Length / 2] ^= 0x5A;
        var intactHeaders = gateway.Gateway.Services.GetRequiredService<InstanceHeaders>();
        await Assert.ThrowsAsync<HeaderCorruptException>(() => intactHeaders.ReadAsync(stored with { Delta = delta }, instance.Sop, TestContext.Current.CancellationToken));
        Assert.NotNull(await intactHeaders.ReadAsync(stored, instance.Sop, TestContext.Current.CancellationToken));

        // One byte of the stored series header changed: its frame checksum or SHA-256 no longer holds.
        await gateway.ScalarAsync("with changed as (update series_headers set content = set_byte(content, length(content) / 2, (get_byte(content, length(content) / 2) + 1) % 256) returning 1) select count(*) from changed");
        await gateway.RestartAsync();
        var headers = gateway.Gateway.Services.GetRequiredService<InstanceHeaders>();
        var damaged = await Assert.ThrowsAsync<HeaderCorruptException>(() => headers.ReadAsync(stored, instance.Sop, TestContext.Current.CancellationToken));
        Assert.Contains("series header", damaged.Message, StringComparison.Ordinal);
        using (var refused = await gateway.Gateway.Http.GetAsync(new Uri(metadata, UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        }

        // The content intact again but the recorded SHA-256 another: refused as well.
        await gateway.ScalarAsync("with changed as (update series_headers set content = set_byte(content, length(content) / 2, (get_byte(content, length(content) / 2) + 255) % 256), content_sha256 = repeat('0', 64) returning 1) select count(*) from changed");
        await gateway.RestartAsync();
        headers = gateway.Gateway.Services.GetRequiredService<InstanceHeaders>();
        damaged = await Assert.ThrowsAsync<HeaderCorruptException>(() => headers.ReadAsync(stored, instance.Sop, TestContext.Current.CancellationToken));
        Assert.Contains("SHA-256", damaged.Message, StringComparison.Ordinal);

    }

    [Fact]
    public async Task Elements_after_the_pixel_data_are_added_to_the_stored_header_by_the_compress_job_before_the_original_goes()
    {
        var folder = Directory.CreateTempSubdirectory("series-header-").FullName;
        try
        {
            var sent = Directory.CreateDirectory(Path.Combine(folder, "sent")).FullName;
            var file = Path.Combine(sent, "trailing.dcm");
            ExternalTool.RunChecked(ExternalTool.DebianPython, [HeaderStoreGateway.Oracle, "add-trailing", TestData.RequireSharedData(MrSlice), file], "python3-pydicom");
            await using var gateway = await HeaderStoreGateway.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["JobWorkers"] = "0",
                ["Compression:Enabled"] = "true",
                ["Compression:Rules:0:Action"] = "Lossless",
            });
            await gateway.StoreAsync([file]);
            var metadata = DicomWeb.Retrieve.TestInstance.Of(file).InstancePath + "/metadata";
            Assert.DoesNotContain("\"7FE11001\"", await GetStringAsync(gateway, metadata), StringComparison.Ordinal);
            var rebuilt = Directory.CreateDirectory(Path.Combine(folder, "at-ingest")).FullName;
            await gateway.RebuildAsync([file], rebuilt);
            var atIngest = ExternalTool.RunChecked(ExternalTool.DebianPython, [HeaderStoreGateway.Oracle, "compare-dirs", sent, rebuilt], "python3-pydicom");
            Assert.Contains("7FE11001", atIngest, StringComparison.Ordinal);

            Assert.True(await gateway.DrainAsync() >= 2);
            Assert.Equal(0, await gateway.ScalarAsync("select count(*) from objects where kind = 'original'"));

            // The JSON the first metadata request cached was of the old delta: the recoded header is served.
            Assert.Contains("\"7FE11001\"", await GetStringAsync(gateway, metadata), StringComparison.Ordinal);
            gateway.DeleteObjects();
            await gateway.RestartAsync();
            rebuilt = Directory.CreateDirectory(Path.Combine(folder, "after-compress")).FullName;
            await gateway.RebuildAsync([file], rebuilt);
            HeaderStoreGateway.AssertSameElements(sent, rebuilt, 1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Series_metadata_and_headers_read_through_the_json_cache_are_the_bytes_decoded_without_it()
    {
        var sent = Directory.GetFiles(TestData.RequireSharedData(Mprage), "*.dcm").Order(StringComparer.Ordinal).Take(24).ToList();
        await using var gateway = await HeaderStoreGateway.StartAsync(cluster);
        await gateway.StoreAsync(sent);
        var series = DicomWeb.Retrieve.TestInstance.Of(sent[0]).SeriesPath + "/metadata";

        var decoded = await GetStringAsync(gateway, series);
        var cached = await GetStringAsync(gateway, series);
        Assert.Equal(decoded, cached);
        Assert.Equal(sent.Count, System.Text.Json.JsonDocument.Parse(cached).RootElement.GetArrayLength());

        // The gateway's JSON for every instance (now cached) against a reader with no JSON cache, one at a time.
        var stored = (await gateway.StoredHeadersAsync()).ToList();
        var fromCache = await gateway.Gateway.Services.GetRequiredService<InstanceHeaders>().ReadJsonAsync(stored.Select(item => (item.Value, item.Key)).ToList(), TestContext.Current.CancellationToken);
        await using var database = gateway.Gateway.OpenDatabase();
        var uncached = TestHeaders.For(database, cacheOptions: new HeaderCacheOptions { JsonMaxBytes = 0 });
        for (var index = 0; index < stored.Count; index++)
        {
            Assert.Equal((await uncached.ReadJsonAsync([(stored[index].Value, stored[index].Key)], TestContext.Current.CancellationToken))[0], fromCache[index]);
        }
    }

    private static async Task<string> GetStringAsync(HeaderStoreGateway gateway, string path)
    {
        using var response = await DicomWeb.Retrieve.MultipartResponse.GetAsync(gateway.Gateway.Http, path, "application/dicom+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
