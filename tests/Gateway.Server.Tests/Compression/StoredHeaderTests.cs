using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Compression;

/// <summary>
/// Headers kept losslessly in the index (a delta against the series header) whatever represents the pixels, with the
/// real engine (compact-f16-c2) and retention 0: an MR slice with Siemens CSA headers (OB, 10 and 88 KB) to which the
/// pydicom oracle adds a 5000-byte private OB element, an ICC-like OB profile and a VOI LUT Sequence with 4096 bytes
/// of LUT Data. Stored as a latent, as j2k-lossy and as lossless: no header object is written and a Part 10 object
/// holds none of the long values; once the original is deleted, the instance from WADO-RS has every element but the
/// pixel data as sent (pydicom compares), and each BulkDataURI of its metadata still answers the sent bytes.
/// </summary>
public sealed class StoredHeaderTests(PostgresCluster cluster)
{
    private const string MrSlice = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/0170-1.3.12.2.1107.5.2.19.45152.2013030808105619763585513.dcm";

    [Theory]
    [InlineData("latent", "Representations:0", "Latent")]
    [InlineData("j2k-lossy", "Representations:0", "J2kLossy")]
    [InlineData("lossless", "Action", "Lossless")]
    public async Task Long_header_values_come_back_byte_identical_after_the_original_is_deleted(string representation, string setting, string value)
    {
        var folder = Directory.CreateTempSubdirectory("headerkeep-").FullName;
        try
        {
            var (sent, bulk) = WriteWithLongValues(folder);
            Assert.Contains("00991001", bulk.Keys);
            Assert.Contains("00283010/0/00283006", bulk.Keys);
            await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Compression:Rules:0:" + setting] = value,
                ["Compression:Rules:0:KeepLatent"] = "false",
            });
            gateway.RequireEngine();
            var uid = (await gateway.StowAsync(sent))[0];
            var originalKey = Assert.Single((await gateway.InstanceAsync(uid)).Objects).Key;

            Assert.Equal(3, await gateway.DrainAsync());

            var (state, compression, _, objects) = await gateway.InstanceAsync(uid);
            Assert.Equal(("compressed", representation), (state, compression));
            var stored = Assert.Single(objects);
            Assert.Equal(representation, stored.Kind);
            Assert.Equal([stored.Key], gateway.Probe.ObjectFiles().Select(Path.GetFileName));
            Assert.NotEqual(originalKey, stored.Key);
            var storedPath = gateway.Probe.ObjectPath(stored.Key);
            Assert.Equal(stored.Sha256, ArchiveProbe.Sha256Of(storedPath));
            if (representation != "latent")
            {
                // The Part 10 object keeps its pixels and a few short elements, none of the long header values.
                var missing = MissingElements(sent, storedPath);
                foreach (var path in bulk.Keys.Select(path => path.Split('/')[0]).Append("00291010").Append("00291020"))
                {
                    Assert.Contains(path, missing);
                }
            }

            var instance = TestInstance.Of(sent);
            var (_, retrieved) = await RetrieveClients.WadoRsAsync(gateway.Gateway, instance);
            AssertSameElements(sent, retrieved, "the WADO-RS instance");

            using var metadata = await MetadataAsync(gateway, instance);
            foreach (var (path, sha256) in bulk)
            {
                var uri = BulkDataUri(metadata.RootElement[0], path);
                var (_, parts) = await MultipartResponse.GetPartsAsync(gateway.Gateway.Http, uri, "multipart/related; type=\"application/octet-stream\"");
                Assert.True(sha256 == Convert.ToHexStringLower(SHA256.HashData(Assert.Single(parts).Body)), $"The bulk data at {uri} is not what was sent at {path}.");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Compress_and_retire_jobs_run_again_record_nothing_twice()
    {
        var folder = Directory.CreateTempSubdirectory("headerkeep-").FullName;
        try
        {
            var (sent, _) = WriteWithLongValues(folder);
            await using var gateway = await CompressionGateway.StartAsync(cluster);
            gateway.RequireEngine();
            var uid = (await gateway.StowAsync(sent))[0];
            Assert.Equal(3, await gateway.DrainAsync());
            var before = await gateway.InstanceAsync(uid);

            Assert.Equal(2, await gateway.ScalarAsync(
                """
                with queued as (
                    insert into jobs (kind, instance_fk)
                    select kind, i.id from instances i, unnest(array['compress', 'retire-original']) kind where i.sop_instance_uid = @uid
                    returning 1)
                select count(*) from queued
                """,
                ("uid", uid)));
            Assert.Equal(2, await gateway.DrainAsync());

            var after = await gateway.InstanceAsync(uid);
            Assert.Equal((before.State, before.Compression), (after.State, after.Compression));
            Assert.Equal(before.Objects, after.Objects);
            Assert.Equal(after.Objects.Select(o => o.Key).Order(StringComparer.Ordinal), gateway.Probe.ObjectFiles().Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(0, await gateway.ScalarAsync("select count(*) from jobs where state <> 'done'"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The MR slice with the oracle's long values added; and the oracle's sha256 of every long bulk value by its BulkDataURI path.</summary>
    private static (string Path, Dictionary<string, string> Bulk) WriteWithLongValues(string folder)
    {
        var path = Path.Combine(folder, "long-values.dcm");
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, [Oracle, "add", TestData.RequireSharedData(MrSlice), path], "python3-pydicom");
        return (path, JsonSerializer.Deserialize<Dictionary<string, string>>(output.Trim())!);
    }

    /// <summary>pydicom: every element of <paramref name="sent"/> but the pixel data and the reconstruction's lossy flags is in <paramref name="received"/> with the same VR and value, and nothing else is.</summary>
    private static void AssertSameElements(string sent, string received, string what)
    {
        using var report = Compare(sent, received);
        foreach (var list in new[] { "missing", "differ", "extra" })
        {
            var paths = report.RootElement.GetProperty(list).EnumerateArray().Select(item => item.GetString()).ToList();
            Assert.True(paths.Count == 0, $"{what}: {list} {string.Join(", ", paths)}");
        }
    }

    /// <summary>pydicom: the paths of the elements of <paramref name="sent"/> that <paramref name="stored"/> lacks.</summary>
    private static HashSet<string> MissingElements(string sent, string stored)
    {
        using var report = Compare(sent, stored);
        return report.RootElement.GetProperty("missing").EnumerateArray().Select(item => item.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private static JsonDocument Compare(string sent, string received) =>
        JsonDocument.Parse(ExternalTool.RunChecked(ExternalTool.DebianPython, [Oracle, "compare", sent, received], "python3-pydicom").Trim());

    private static async Task<JsonDocument> MetadataAsync(CompressionGateway gateway, TestInstance instance)
    {
        using var response = await MultipartResponse.GetAsync(gateway.Gateway.Http, instance.InstancePath + "/metadata", "application/dicom+json");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The BulkDataURI of the element at <paramref name="path"/> ("tag" or "tag/item/tag/...") of a DICOM JSON object.</summary>
    private static string BulkDataUri(JsonElement dataset, string path)
    {
        var steps = path.Split('/');
        var element = dataset.GetProperty(steps[0]);
        for (var i = 1; i < steps.Length; i += 2)
        {
            element = element.GetProperty("Value")[int.Parse(steps[i], System.Globalization.CultureInfo.InvariantCulture)].GetProperty(steps[i + 1]);
        }

        Assert.True(element.TryGetProperty("BulkDataURI", out var uri), $"{path} has no BulkDataURI in the metadata: {element}");
        return uri.GetString()!;
    }

    private static string Oracle => Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "header_elements_oracle.py");
}
