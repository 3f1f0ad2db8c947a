using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Infrastructure.Storage.S3;
using Gateway.Server.Tests.Storage;
using Npgsql;

namespace Gateway.Server.Tests.Crash;

/// <summary>
/// kill -9 of `gateway serve` on an S3 bucket (a real radosgw) while four storescu associations send instances larger
/// than the multipart threshold, at a moment when a multipart upload is in flight; after a restart every instance
/// storescu saw Success for is indexed with an intact object (its recorded SHA-256, its pixel data), and the bucket holds
/// exactly the indexed objects and no unfinished upload.
/// </summary>
public sealed class S3CrashRecoveryTests(PostgresCluster cluster, RadosGateway rados)
{
    private const int Associations = 4;
    private const int Instances = 16;

    [Fact]
    public async Task After_kill_9_during_multipart_uploads_every_acknowledged_instance_is_intact_and_the_bucket_holds_no_orphan()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var template = Directory.GetFiles(TestData.RequireSharedData("volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU"), "*.dcm").Order(StringComparer.Ordinal).First();
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-s3-crash-").FullName;
        var files = Enumerable.Range(0, Instances).Select(index => WriteMultiFrame(template, Path.Combine(data, $"large-{index}.dcm"), index)).ToList();
        Assert.All(files, file => Assert.True(new FileInfo(file).Length > bucket.MultipartThresholdBytes, "each instance goes up in parts"));
        var environment = RadosGateway.EnvironmentOf(bucket);
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        using var client = rados.CreateClient();
        try
        {
            var senders = new List<(Process Process, Task<string> Output)>();
            using (var gateway = await GatewayProcess.StartAsync(Path.Combine(data, "gateway"), httpPort, dicomPort, postgres, environment))
            {
                for (var association = 0; association < Associations; association++)
                {
                    senders.Add(CrashRecoveryTests.StartStorescu(dicomPort, files.Where((_, index) => index % Associations == association)));
                }

                await WaitForUploadInFlightAsync(postgres, client, bucket.Bucket, senders);
                gateway.KillHard();
            }

            var acknowledged = new List<string>();
            foreach (var (process, output) in senders)
            {
                acknowledged.AddRange(CrashRecoveryTests.Acknowledged(await output));
                await process.WaitForExitAsync(cancellationToken);
                process.Dispose();
            }

            Assert.InRange(acknowledged.Count, 1, files.Count - 1);
            TestContext.Current.TestOutputHelper?.WriteLine($"storescu saw Success for {acknowledged.Count} of {files.Count} instances before the kill.");

            using (await GatewayProcess.StartAsync(Path.Combine(data, "gateway"), httpPort, dicomPort, postgres, environment))
            {
                using var store = new S3ObjectStore(S3Clients.Create(bucket), bucket);
                var probe = new ArchiveProbe(postgres, data);
                foreach (var file in acknowledged)
                {
                    var uid = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset.GetString(DicomTags.SOPInstanceUID)!;
                    var (state, key, sha256) = Assert.NotNull(await probe.FindAsync(uid));
                    Assert.Equal("stored", state);
                    using var stored = new MemoryStream();
                    await using (var stream = await store.OpenReadAsync(key!, cancellationToken))
                    {
                        await stream.CopyToAsync(stored, cancellationToken);
                    }

                    Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(stored.ToArray())));
                    var kept = DicomFile.Read(new MemoryStream(stored.ToArray())).Dataset;
                    Assert.Equal(uid, kept.GetString(DicomTags.SOPInstanceUID));
                    Assert.True(
                        PixelBytes(DicomFile.Open(file).Dataset).SequenceEqual(PixelBytes(kept)),
                        $"the pixel data stored for {uid} differs from {file}");
                }

                await using var database = NpgsqlDataSource.Create(postgres);
                Assert.Equal(0L, await CrashRecoveryTests.ScalarAsync(database, "select count(*) from instances where state = 'receiving'"));
                var keys = new List<string>();
                await using (var command = database.CreateCommand("select object_key from objects"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        keys.Add(reader.GetString(0));
                    }
                }

                Assert.Equal(keys.Order(StringComparer.Ordinal), await TestObjectStores.KeysAsync(store, cancellationToken));
                Assert.Equal(0, await TestObjectStores.UnfinishedCountAsync(store, rados, data, cancellationToken));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The CT slice as a 12-frame image (6.3 MB, Implicit VR Little Endian: what storescu sends unchanged) with its own SOP Instance UID and distinct pixel values.</summary>
    private static string WriteMultiFrame(string template, string path, int seed)
    {
        var file = new DicomTranscoder().Transcode(DicomFile.Open(template), DicomTransferSyntax.ImplicitVRLittleEndian);
        var frame = DicomPixelData.Create(file.Dataset, file.TransferSyntax).Info.PixelCount * 2;
        var pixels = new byte[frame * 12];
        new Random(seed).NextBytes(pixels);
        file.Dataset.SetString(DicomTags.NumberOfFrames, DicomVR.IS, "12");
        file.Dataset.Add(new DicomValueElement(DicomTags.PixelData, DicomVR.OW, pixels));
        file.Dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture));
        file.Save(path);
        return path;
    }

    private static ReadOnlySpan<byte> PixelBytes(DicomDataset dataset) => Assert.IsType<DicomValueElement>(dataset[DicomTags.PixelData]).Value.Span;

    /// <summary>Waits until at least one instance is stored and a multipart upload is open in the bucket.</summary>
    private static async Task WaitForUploadInFlightAsync(string postgres, Amazon.S3.AmazonS3Client client, string bucket, List<(Process Process, Task<string> Output)> senders)
    {
        await using var database = NpgsqlDataSource.Create(postgres);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, TestContext.Current.CancellationToken);
            if (uploads.MultipartUploads is { Count: > 0 } && await CrashRecoveryTests.ScalarAsync(database, "select count(*) from instances where state = 'stored'") >= 1)
            {
                return;
            }

            Assert.False(senders.All(sender => sender.Process.HasExited), "storescu finished before the gateway could be killed during an upload.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Fail("No multipart upload was seen in flight in 3 minutes.");
    }
}
