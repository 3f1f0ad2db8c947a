using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// A gateway with the real latent engine (ONNX Runtime, onnx-models/compact-f16-c1) whose CT slice from the eval
/// split is kept only as a latent, encoded the way the compress job encodes it.
/// </summary>
public sealed class ModelLatentGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string ModelId = "compact-f16-c1";
    public const string CtSlice = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A072894_19001203-066.dcm";

    private GatewayInstance? _gateway;
    private OnnxRuntime? _runtime;
    private ModelRegistry? _registry;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("Shared data is missing; the tests skip.");

    public ILatentEngine Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        _runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 2 });
        _registry = ModelRegistry.Load(new ModelRegistryOptions { Directory = Path.Combine(TestData.RepositoryRoot, "onnx-models") }, _runtime, null, CancellationToken.None);
        Engine = new LatentEngine(_registry.Models);
        _gateway = await GatewayInstance.StartAsync(
            cluster,
            new Dictionary<string, string?> { ["JobWorkers"] = "0" },
            builder => builder.Services.AddSingleton(Engine));
        var path = Path.Combine(TestData.SharedData, CtSlice);
        await StoredForms.StoreAsync(_gateway, path);
        var encoding = Engine.Encode(ModelId, StoredForms.Pixels(path), CancellationToken.None);
        await StoredForms.ReplaceOriginalAsync(_gateway, TestInstance.Of(path).Sop, StorageKind.Latent, encoding.Container, "mvlt", ModelId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _registry?.Dispose();
        _runtime?.Dispose();
    }
}

/// <summary>Retrieval of a latent instance decoded by the real model: every path, DCMTK-clean, lossy flags, PSNR within the model card.</summary>
public sealed class ModelLatentRetrieveTests(ModelLatentGateway fixture) : IClassFixture<ModelLatentGateway>
{
    [Fact]
    public async Task A_latent_instance_comes_back_on_every_path_within_half_a_decibel_of_the_model_card()
    {
        var original = TestData.RequireSharedData(ModelLatentGateway.CtSlice);
        var instance = TestInstance.Of(original);
        var card = fixture.Engine.Models.Single(model => model.Id == ModelLatentGateway.ModelId).CardPsnr;
        var (_, viaWadoRs) = await RetrieveClients.WadoRsAsync(fixture.Gateway, instance);
        var viaWadoUri = await RetrieveClients.WadoUriAsync(fixture.Gateway, instance);
        var viaGetScu = RetrieveClients.GetScu(fixture.Gateway, instance);
        var inputErrors = ReconstructionOracle.DciodvfyErrors(original);
        foreach (var (path, name) in new[] { (viaWadoRs, "WADO-RS"), (viaWadoUri, "WADO-URI"), (viaGetScu, "C-GET") })
        {
            var comparison = ReconstructionOracle.Compare(original, path, even: false);
            Assert.True(comparison.SameShape, $"{name}: the reconstruction has another shape.");
            Assert.True(comparison.Psnr >= card - 0.5, $"{name}: PSNR {comparison.Psnr:F2} dB is below the card's {card:F2} dB minus 0.5.");
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop, $"{name}: UIDs differ.");
            Assert.Equal(("1.2.840.10008.1.2.1", "01", "MEDVAE"), (comparison.Ts, comparison.Lossy, comparison.Method[^1]));
            Assert.True(double.Parse(comparison.Ratio[^1], CultureInfo.InvariantCulture) >= 15, $"{name}: ratio {comparison.Ratio[^1]} is below 15 for f=16.");
            Assert.Contains(ModelLatentGateway.ModelId, comparison.Derivation, StringComparison.Ordinal);
            Assert.Empty(ReconstructionOracle.DcmdumpProblems(path));
            var added = ReconstructionOracle.DciodvfyErrors(path).Except(inputErrors).ToList();
            Assert.True(added.Count == 0, $"{name}: dciodvfy finds errors the input did not have:\n{string.Join('\n', added)}");
        }
    }

    [Fact]
    public async Task The_latent_is_an_npy_file_numpy_loads_with_the_engines_shape()
    {
        var instance = TestInstance.Of(TestData.RequireSharedData(ModelLatentGateway.CtSlice));
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/latent", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ModelLatentGateway.ModelId, Assert.Single(response.Headers.GetValues("X-Latent-Model")));
        var path = MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".npy");
        var loaded = JsonDocument.Parse(ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            ["-c", "import sys, json, numpy as np; a = np.load(sys.argv[1]); print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'finite': bool(np.isfinite(a).all())}))", path],
            "python3-numpy")).RootElement;
        Assert.Equal("[1,1,128,128]", loaded.GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("float32", loaded.GetProperty("dtype").GetString());
        Assert.True(loaded.GetProperty("finite").GetBoolean());
    }
}
