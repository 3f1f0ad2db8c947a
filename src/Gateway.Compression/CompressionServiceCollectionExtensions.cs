using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;
using Gateway.Core.Retrieve;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Compression;

/// <summary>Registers what Gateway.Compression provides: the latent engine (once, loaded on first use, serving 2D latents and series latents), the model cards, the quality measure, and the decoders of the latent, latent+residual and series latent (latent3d) representations.</summary>
public static class CompressionServiceCollectionExtensions
{
    /// <param name="runtimeOptions">How ONNX Runtime is loaded (settings Gateway:Onnx).</param>
    /// <param name="modelOptions">Where the models are (settings Gateway:Models).</param>
    public static IServiceCollection AddGatewayCompression(this IServiceCollection services, OnnxRuntimeOptions runtimeOptions, ModelRegistryOptions modelOptions)
    {
        ArgumentNullException.ThrowIfNull(runtimeOptions);
        ArgumentNullException.ThrowIfNull(modelOptions);
        services.AddSingleton(provider => new LazyLatentEngine(runtimeOptions, modelOptions, provider.GetRequiredService<ILogger<LazyLatentEngine>>()));
        services.AddSingleton<ILatentEngine>(provider => provider.GetRequiredService<LazyLatentEngine>());
        services.AddSingleton<IVolumeLatentEngine>(provider => provider.GetRequiredService<LazyLatentEngine>());
        services.AddSingleton<IModelCatalog>(new ModelCatalog(modelOptions));
        services.AddSingleton<IQualityMeter, QualityMeter>();
        services.AddSingleton<IRepresentationDecoder, LatentDecoder>();
        services.AddSingleton<IRepresentationDecoder, LatentResidualDecoder>();
        services.AddSingleton<IRepresentationDecoder, SeriesLatentDecoder>();
        return services;
    }
}
