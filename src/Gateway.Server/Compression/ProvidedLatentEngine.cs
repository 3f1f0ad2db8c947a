using Gateway.Core.Compression;

namespace Gateway.Server.Compression;

/// <summary>
/// The process's latent engine as an <see cref="ILatentEngine"/> for the retrieval side (reconstruction, /latent):
/// forwards to <see cref="LatentEngineProvider"/> and, when ONNX Runtime or the models could not be loaded, fails each
/// call with a message that says so (the compress job asks the provider itself and stores lossless instead).
/// </summary>
public sealed class ProvidedLatentEngine(LatentEngineProvider provider) : ILatentEngine
{
    public IReadOnlyList<LatentModelInfo> Models => provider.Engine?.Models ?? [];

    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken) =>
        Engine.Encode(modelId, pixels, cancellationToken);

    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken) =>
        Engine.Decode(container, cancellationToken);

    public LatentArray ReadLatent(ReadOnlySpan<byte> container) => Engine.ReadLatent(container);

    private ILatentEngine Engine => provider.Engine
        ?? throw new InvalidOperationException("The latent engine is not available (ONNX Runtime or the models could not be loaded; see the start-up log), so latents cannot be decoded.");
}
