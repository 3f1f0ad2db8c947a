using System.Globalization;
using System.Net;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Storage;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// A gateway with the stand-in latent engine whose instances are kept only as latents: an MR slice, a signed CT
/// slice, another CT slice (its own series) for the cache tests, and three slices of one MR series for prefetch.
/// </summary>
public sealed class StandInLatentGateway(PostgresCluster cluster) : ReconstructionGateway(cluster)
{
    public const string CacheCtSlice = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A002304_19010112-135.dcm";
    public const string MrSeriesFolder = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    /// <summary>Stored and left as the original: same series as <see cref="ReconstructionGateway.MrSlice"/>.</summary>
    public const string KeptOriginal = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/2.dcm";

    public StandInLatentEngine Engine { get; } = new();

    /// <summary>The latent object stored for each file, by path.</summary>
    public Dictionary<string, StoredObject> Latents { get; } = [];

    public string[] SeriesSlices { get; private set; } = [];

    protected override void Configure(WebApplicationBuilder builder) => builder.Services.AddSingleton<ILatentEngine>(Engine);

    protected override async Task PopulateAsync(GatewayInstance gateway)
    {
        SeriesSlices = Directory.GetFiles(Shared(MrSeriesFolder), "*.dcm").Order(StringComparer.Ordinal).Take(3).ToArray();
        foreach (var path in new[] { Shared(MrSlice), Shared(CtSlice), Shared(CacheCtSlice) }.Concat(SeriesSlices))
        {
            await StoredForms.StoreAsync(gateway, path);
            var encoding = Engine.Encode(StandInLatentEngine.ModelId, StoredForms.Pixels(path), CancellationToken.None);
            Latents[path] = await StoredForms.ReplaceOriginalAsync(gateway, TestInstance.Of(path).Sop, StorageKind.Latent, encoding.Container, "mvlt", StandInLatentEngine.ModelId);
        }

        await StoredForms.StoreAsync(gateway, Shared(KeptOriginal));
    }
}

/// <summary>Instances kept as latents come back reconstructed on every retrieval path, with the lossy flags, through the cache.</summary>
public sealed class LatentRetrieveTests(StandInLatentGateway fixture) : IClassFixture<StandInLatentGateway>
{
    public static TheoryData<string> Files => [StandInLatentGateway.MrSlice, StandInLatentGateway.CtSlice];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_latent_instance_comes_back_on_every_path_with_its_uids_the_lossy_flags_and_the_decoded_pixels(string relativePath)
    {
        var original = TestData.RequireSharedData(relativePath);
        var instance = TestInstance.Of(original);
        var (contentType, viaWadoRs) = await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", contentType);
        var viaWadoUri = await RetrieveClients.WadoUriAsync(fixture.Gateway, instance);
        var viaGetScu = RetrieveClients.GetScu(fixture.Gateway, instance);
        var pixels = StoredForms.Pixels(original);
        var expectedRatio = (double)pixels.Values.Length * (pixels.BitsAllocated / 8) / fixture.Latents[original].Size;
        var inputErrors = ReconstructionOracle.DciodvfyErrors(original);
        foreach (var (path, name) in new[] { (viaWadoRs, "WADO-RS"), (viaWadoUri, "WADO-URI"), (viaGetScu, "C-GET") })
        {
            var comparison = ReconstructionOracle.Compare(original, path, even: true);
            Assert.True(comparison.SameShape && comparison.MaxDifference == 0, $"{name}: pixels differ from the engine's decode (max difference {comparison.MaxDifference}).");
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop, $"{name}: UIDs differ.");
            Assert.Equal("1.2.840.10008.1.2.1", comparison.Ts);
            Assert.Equal("01", comparison.Lossy);
            Assert.Equal("MEDVAE", comparison.Method[^1]);
            Assert.Equal(comparison.Method.Length, comparison.Ratio.Length);
            Assert.Equal(expectedRatio, double.Parse(comparison.Ratio[^1], CultureInfo.InvariantCulture), 0.001);
            Assert.Contains(StandInLatentEngine.ModelId, comparison.Derivation, StringComparison.Ordinal);
            Assert.Empty(ReconstructionOracle.DcmdumpProblems(path));
            var added = ReconstructionOracle.DciodvfyErrors(path).Except(inputErrors).ToList();
            Assert.True(added.Count == 0, $"{name}: dciodvfy finds errors the input did not have:\n{string.Join('\n', added)}");
        }
    }

    [Fact]
    public async Task Frames_bulk_data_rendered_and_thumbnail_of_a_latent_instance_are_served_from_the_decode()
    {
        var original = TestData.RequireSharedData(StandInLatentGateway.CtSlice);
        var instance = TestInstance.Of(original);
        var native = await File.ReadAllBytesAsync(Path.Combine(PydicomOracle.Frames(original), "native_1.raw"), TestContext.Current.CancellationToken);
        var expected = new byte[native.Length];
        for (var i = 0; i < native.Length; i += 2)
        {
            // The stand-in's known answer, on pydicom's decoding of the original: each stored value rounded down to even.
            expected[i] = (byte)(native[i] & 0xFE);
            expected[i + 1] = native[i + 1];
        }

        var (_, frames) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/1", "multipart/related; type=\"application/octet-stream\"");
        Assert.Equal(expected, Assert.Single(frames).Body);
        var (_, bulk) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath + "/bulkdata/7FE00010", "multipart/related; type=\"application/octet-stream\"");
        Assert.Equal(expected, Assert.Single(bulk).Body);
        foreach (var resource in new[] { "/rendered", "/thumbnail", "/frames/1/rendered" })
        {
            using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + resource, "image/png");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{resource}: {(int)response.StatusCode}");
            var image = PydicomOracle.Image(MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".png"));
            Assert.Equal("PNG", image.Format);
        }
    }

    [Fact]
    public async Task Metadata_of_a_latent_instance_needs_no_decode()
    {
        var original = TestData.RequireSharedData(StandInLatentGateway.MrSlice);
        var sha256 = fixture.Latents[original].Sha256;
        var before = fixture.Engine.DecodesOf(sha256);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, TestInstance.Of(original).InstancePath + "/metadata", "application/dicom+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, fixture.Engine.DecodesOf(sha256));
    }

    [Fact]
    public async Task A_second_retrieve_comes_from_the_cache_and_a_corrupted_cache_entry_is_rebuilt()
    {
        var original = TestData.RequireSharedData(StandInLatentGateway.CacheCtSlice);
        var instance = TestInstance.Of(original);
        var sha256 = fixture.Latents[original].Sha256;
        var cacheFolder = Path.Combine(fixture.Gateway.DataDirectory, "cache");
        var entry = Path.Combine(cacheFolder, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{instance.Sop}\n{sha256}"))) + ".rc");

        await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        Assert.Equal(1, fixture.Engine.DecodesOf(sha256));
        Assert.True(File.Exists(entry), "The reconstruction was not cached.");
        await RetrieveClients.WadoUriAsync(fixture.Gateway, instance);
        Assert.Equal(1, fixture.Engine.DecodesOf(sha256));

        var bytes = await File.ReadAllBytesAsync(entry, TestContext.Current.CancellationToken);
        bytes[^100] ^= 0xFF;
        await File.WriteAllBytesAsync(entry, bytes, TestContext.Current.CancellationToken);
        var (_, path) = await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        Assert.Equal(2, fixture.Engine.DecodesOf(sha256));
        var comparison = ReconstructionOracle.Compare(original, path, even: true);
        Assert.True(comparison.SameShape && comparison.MaxDifference == 0, "The rebuilt reconstruction's pixels are wrong.");
        Assert.NotEqual(bytes, await File.ReadAllBytesAsync(entry, TestContext.Current.CancellationToken));
        await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        Assert.Equal(2, fixture.Engine.DecodesOf(sha256));
    }

    [Fact]
    public async Task Opening_one_latent_instance_of_a_series_reconstructs_the_rest_of_it_in_the_background()
    {
        TestData.RequireSharedData(StandInLatentGateway.MrSeriesFolder);
        var slices = fixture.SeriesSlices;
        await RetrieveClients.WadoRsAsync(fixture.Gateway, TestInstance.Of(slices[0]));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (slices.Skip(1).Any(slice => fixture.Engine.DecodesOf(fixture.Latents[slice].Sha256) == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        foreach (var slice in slices)
        {
            Assert.Equal(1, fixture.Engine.DecodesOf(fixture.Latents[slice].Sha256));
        }

        // The prefetched slices are answered from the cache: no further decode.
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var (_, path) = await RetrieveClients.WadoRsAsync(fixture.Gateway, TestInstance.Of(slices[2]));
        Assert.Equal(1, fixture.Engine.DecodesOf(fixture.Latents[slices[2]].Sha256));
        Assert.Equal(0, ReconstructionOracle.Compare(slices[2], path, even: true).MaxDifference);
    }
}
