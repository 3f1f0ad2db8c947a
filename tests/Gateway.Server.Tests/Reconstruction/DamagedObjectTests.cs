using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// A running gateway whose stored objects are then damaged on disk: a lossless object with one byte changed (its
/// SHA-256 differs), an original cut short (its size differs), a latent with one byte changed; and one original left
/// healthy, in the same series as the lossless one.
/// </summary>
public sealed class DamagedObjectGateway(PostgresCluster cluster) : ReconstructionGateway(cluster)
{
    public const string LatentSlice = StandInLatentGateway.CacheCtSlice;
    public const string HealthySlice = StandInLatentGateway.KeptOriginal;

    public StandInLatentEngine Engine { get; } = new();

    /// <summary>The object key damaged, by path of the file stored.</summary>
    public Dictionary<string, string> DamagedKeys { get; } = [];

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<ILatentEngine>(Engine);

    protected override async Task PopulateAsync(GatewayInstance gateway)
    {
        var lossless = Shared(MrSlice);
        await StoredForms.StoreAsync(gateway, lossless);
        var losslessObject = await StoredForms.ReplaceOriginalAsync(gateway, TestInstance.Of(lossless).Sop, StorageKind.Lossless, StoredForms.JpegLsLossless(lossless), DicomTransferSyntax.JpegLSLossless.Uid, null);
        DamagedKeys[lossless] = losslessObject.Key;
        FlipByte(gateway, losslessObject.Key);

        var original = Shared(CtSlice);
        await StoredForms.StoreAsync(gateway, original);
        var originalKey = await OriginalKeyAsync(gateway, TestInstance.Of(original).Sop);
        DamagedKeys[original] = originalKey;
        await using (var file = new FileStream(ObjectFile(gateway, originalKey), FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - 100);
        }

        var latent = Shared(LatentSlice);
        await StoredForms.StoreAsync(gateway, latent);
        var encoding = Engine.Encode(StandInLatentEngine.ModelId, StoredForms.Pixels(latent), CancellationToken.None);
        var latentObject = await StoredForms.ReplaceOriginalAsync(gateway, TestInstance.Of(latent).Sop, StorageKind.Latent, encoding.Container, "mvlt", StandInLatentEngine.ModelId);
        DamagedKeys[latent] = latentObject.Key;
        FlipByte(gateway, latentObject.Key);

        await StoredForms.StoreAsync(gateway, Shared(HealthySlice));
    }

    private static void FlipByte(GatewayInstance gateway, string key)
    {
        var path = ObjectFile(gateway, key);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The object's file, found under the gateway's data folder by its key (the file name).</summary>
    private static string ObjectFile(GatewayInstance gateway, string key) =>
        Assert.Single(Directory.GetFiles(Path.Combine(gateway.DataDirectory, "objects"), key, SearchOption.AllDirectories));

    private static async Task<string> OriginalKeyAsync(GatewayInstance gateway, string sopInstanceUid)
    {
        await using var database = gateway.OpenDatabase();
        await using var find = database.CreateCommand(
            "select o.object_key from instances i join objects o on o.instance_fk = i.id and o.kind = 'original' where i.sop_instance_uid = @uid");
        find.Parameters.AddWithValue("uid", sopInstanceUid);
        return (string)(await find.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

/// <summary>
/// A damaged stored object is a server fault with a message naming it: WADO-RS and WADO-URI answer 500 (never 406),
/// C-GET fails the sub-operation; a healthy instance beside it still comes back bit for bit.
/// </summary>
public sealed class DamagedObjectTests(DamagedObjectGateway fixture) : IClassFixture<DamagedObjectGateway>
{
    public static TheoryData<string> Damaged => [ReconstructionGateway.MrSlice, ReconstructionGateway.CtSlice, DamagedObjectGateway.LatentSlice];

    [Theory]
    [MemberData(nameof(Damaged))]
    public async Task Wado_rs_answers_500_naming_the_damaged_object(string relativePath)
    {
        var path = TestData.RequireSharedData(relativePath);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, TestInstance.Of(path).InstancePath, "multipart/related; type=\"application/dicom\"");
        await AssertDamagedAsync(response, path);
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public async Task Wado_uri_answers_500_naming_the_damaged_object(string relativePath)
    {
        var path = TestData.RequireSharedData(relativePath);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, TestInstance.Of(path).WadoUri("&contentType=application/dicom"), null);
        await AssertDamagedAsync(response, path);
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Getscu_gets_a_failed_sub_operation_and_no_file(string relativePath)
    {
        var instance = TestInstance.Of(TestData.RequireSharedData(relativePath));
        var folder = Directory.CreateTempSubdirectory("getscu-damaged-").FullName;
        var (_, output, error) = ExternalTool.Run(
            "getscu",
            [
                "-d", "-S", "-aec", GatewayInstance.AETitle, "-td", "60", "-od", folder,
                "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + instance.Study, "-k", "SeriesInstanceUID=" + instance.Series,
                "-k", "SOPInstanceUID=" + instance.Sop, "127.0.0.1", fixture.Gateway.DicomPort.ToString(CultureInfo.InvariantCulture),
            ],
            "dcmtk");
        var log = output + error;

        // PS3.4 C.4.3: every sub-operation failed, so 0xA702 "Refused: Out of Resources - Unable to perform sub-operations".
        Assert.Contains("0xa702", log, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"Number of Failed Suboperations\s*:\s*1\b", log);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task A_healthy_instance_beside_them_comes_back_bit_for_bit()
    {
        var path = TestData.RequireSharedData(DamagedObjectGateway.HealthySlice);
        var instance = TestInstance.Of(path);
        var (_, viaWadoRs) = await RetrieveClients.WadoRsAsync(fixture.Gateway, instance, "*");
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)), SHA256.HashData(await File.ReadAllBytesAsync(viaWadoRs, TestContext.Current.CancellationToken)));
        var viaGetScu = RetrieveClients.GetScu(fixture.Gateway, instance);
        var comparison = ReconstructionOracle.Compare(path, viaGetScu, even: false);
        Assert.True(comparison.SameShape && comparison.MaxDifference == 0 && comparison.SameSop, $"C-GET: pixels or UIDs differ (max difference {comparison.MaxDifference}).");
    }

    private async Task AssertDamagedAsync(HttpResponseMessage response, string path)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains($"The stored object {fixture.DamagedKeys[path]} of instance {TestInstance.Of(path).Sop} is damaged", body, StringComparison.Ordinal);
    }
}
