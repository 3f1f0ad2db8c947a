using Gateway.Compression.Engine;
using Gateway.Core.Compression;

namespace Gateway.Server.Compression;

/// <summary>
/// The gateway's <see cref="ILatentEngine"/> for the services that serve latents (reconstruction, /latent): the
/// engine of <see cref="LatentEngineProvider"/>, loaded on the first call rather than when the service is built, so
/// a gateway that never serves a latent never loads ONNX Runtime. Without an engine every call fails with
/// <see cref="LatentModelUnavailableException"/> and <see cref="Models"/> is empty.
/// </summary>
public sealed class DeferredLatentEngine(LatentEngineProvider provider) : ILatentEngine
{
    public IReadOnlyList<LatentModelInfo> Models => provider.Engine?.Models ?? [];

    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken) =>
        Require(modelId).Encode(modelId, pixels, cancellationToken);

    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken) =>
        Require("(the container's model)").Decode(container, cancellationToken);

    public LatentArray ReadLatent(ReadOnlySpan<byte> container) => Require("(the container's model)").ReadLatent(container);

    private ILatentEngine Require(string modelId) =>
        provider.Engine ?? throw new LatentModelUnavailableException(
            modelId, "The latent engine is not available (ONNX Runtime or the model folder could not be loaded; see the start-up log).");
}
