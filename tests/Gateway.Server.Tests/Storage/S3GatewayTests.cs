using System.Globalization;
using System.Net;
using Gateway.Server.Tests.Compression;
using Gateway.Server.Tests.DicomWeb.Retrieve;

namespace Gateway.Server.Tests.Storage;

/// <summary>A whole gateway on an S3 bucket (a real radosgw): ingest, the compress and retire jobs, and retrieval all go through the bucket.</summary>
public sealed class S3GatewayTests(PostgresCluster cluster, RadosGateway rados)
{
    [Theory]
    [InlineData("", "", "Gateway:ObjectStore:S3:Bucket is required")]
    [InlineData("archive", "gateway", "Gateway:ObjectStore:S3:Prefix must end with '/'")]
    public async Task An_S3_store_with_settings_that_cannot_work_is_refused_at_start(string bucket, string prefix, string expected)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["ObjectStore:Kind"] = "S3",
                ["ObjectStore:S3:ServiceUrl"] = "http://127.0.0.1:9",
                ["ObjectStore:S3:Bucket"] = bucket,
                ["ObjectStore:S3:Prefix"] = prefix,
            });
        });
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_instances_are_compressed_retired_and_served_from_the_bucket_with_the_pixels_that_were_sent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU"), "*.dcm").Order(StringComparer.Ordinal).Take(2).ToArray();
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        bucket.Prefix = "archive/";
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["ObjectStore:Kind"] = "S3",
            ["ObjectStore:S3:ServiceUrl"] = bucket.ServiceUrl,
            ["ObjectStore:S3:Bucket"] = bucket.Bucket,
            ["ObjectStore:S3:AccessKeyId"] = bucket.AccessKeyId,
            ["ObjectStore:S3:SecretAccessKey"] = bucket.SecretAccessKey,
            ["ObjectStore:S3:Prefix"] = bucket.Prefix,
            ["Compression:Rules:0:Action"] = "Lossless",
            ["Compression:RetentionDays"] = "0",
        });
        var uids = await gateway.StowAsync(files);

        await gateway.DrainAsync();

        using var store = new Gateway.Infrastructure.Storage.S3.S3ObjectStore(Gateway.Infrastructure.Storage.S3.S3Clients.Create(bucket), bucket);
        var keys = new List<string>();
        foreach (var uid in uids)
        {
            var (state, compression, _, objects) = await gateway.InstanceAsync(uid);
            Assert.Equal(("compressed", "lossless"), (state, compression));
            Assert.DoesNotContain(objects, entry => entry.Kind == "original");
            keys.AddRange(objects.Select(entry => entry.Key));
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), await TestObjectStores.KeysAsync(store, cancellationToken));
        Assert.Equal(0, Directory.Exists(Path.Combine(gateway.Gateway.DataDirectory, "objects")) ? Directory.GetFiles(Path.Combine(gateway.Gateway.DataDirectory, "objects"), "*", SearchOption.AllDirectories).Length : 0);
        foreach (var file in files)
        {
            using var response = await MultipartResponse.GetAsync(gateway.Gateway.Http, TestInstance.Of(file).WadoUri("&contentType=application/dicom"), null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var back = PydicomOracle.Digest([MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(cancellationToken))])[0];
            Assert.Equal(PydicomOracle.Digest([file])[0].Sha, back.Sha);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{keys.Count} objects in s3://{bucket.Bucket}/archive/"));
    }
}
