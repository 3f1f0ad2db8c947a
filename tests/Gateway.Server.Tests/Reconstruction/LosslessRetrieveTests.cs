using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Retrieve;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>A gateway whose MR slice and signed CT slice are kept only as JPEG-LS lossless objects, their originals deleted.</summary>
public sealed class LosslessGateway(PostgresCluster cluster) : ReconstructionGateway(cluster)
{
    /// <summary>The lossless object stored for each file, by path.</summary>
    public Dictionary<string, byte[]> Lossless { get; } = [];

    protected override async Task PopulateAsync(GatewayInstance gateway)
    {
        foreach (var path in new[] { MrSlice, CtSlice }.Select(Shared))
        {
            await StoredForms.StoreAsync(gateway, path);
            Lossless[path] = StoredForms.JpegLsLossless(path);
            await StoredForms.ReplaceOriginalAsync(gateway, TestInstance.Of(path).Sop, StorageKind.Lossless, Lossless[path], DicomTransferSyntax.JpegLSLossless.Uid, null);
        }
    }
}

/// <summary>Instances kept as lossless objects come back, on every path, with exactly the pixels that were sent.</summary>
public sealed class LosslessRetrieveTests(LosslessGateway fixture) : IClassFixture<LosslessGateway>
{
    public static TheoryData<string> Files => [LosslessGateway.MrSlice, LosslessGateway.CtSlice];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Wado_rs_wado_uri_and_getscu_return_the_original_pixels_of_a_lossless_instance(string relativePath)
    {
        var original = TestData.RequireSharedData(relativePath);
        var instance = TestInstance.Of(original);
        var (contentType, viaWadoRs) = await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", contentType);
        var viaWadoUri = await RetrieveClients.WadoUriAsync(fixture.Gateway, instance);
        var viaGetScu = RetrieveClients.GetScu(fixture.Gateway, instance);
        foreach (var (path, name) in new[] { (viaWadoRs, "WADO-RS"), (viaWadoUri, "WADO-URI"), (viaGetScu, "C-GET") })
        {
            var comparison = ReconstructionOracle.Compare(original, path, even: false);
            Assert.True(comparison.SameShape && comparison.MaxDifference == 0, $"{name}: pixels differ from the original (max difference {comparison.MaxDifference}).");
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop, $"{name}: UIDs differ.");
            Assert.Equal(string.Empty, comparison.Lossy);
            Assert.Empty(ReconstructionOracle.DcmdumpProblems(path));
        }
    }

    [Fact]
    public async Task Transfer_syntax_star_returns_the_lossless_object_byte_for_byte()
    {
        var original = TestData.RequireSharedData(LosslessGateway.MrSlice);
        var (contentType, path) = await RetrieveClients.WadoRsAsync(fixture.Gateway, TestInstance.Of(original), "*");
        Assert.Equal("application/dicom; transfer-syntax=" + DicomTransferSyntax.JpegLSLossless.Uid, contentType);
        Assert.Equal(SHA256.HashData(fixture.Lossless[original]), SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Frames_of_a_lossless_instance_are_the_original_native_frame()
    {
        var original = TestData.RequireSharedData(LosslessGateway.CtSlice);
        var instance = TestInstance.Of(original);
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/1", "multipart/related; type=\"application/octet-stream\"");
        var expected = await File.ReadAllBytesAsync(Path.Combine(PydicomOracle.Frames(original), "native_1.raw"), TestContext.Current.CancellationToken);
        Assert.Equal(expected, Assert.Single(parts).Body);
    }
}
