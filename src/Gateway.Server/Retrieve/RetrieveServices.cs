using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Infrastructure.Storage;
using Gateway.Server.DicomWeb.Latent;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Retrieve;

/// <summary>
/// Registers the read side every retrieval path (WADO-RS, WADO-URI, C-GET, C-MOVE) calls: Core's
/// <see cref="RetrieveService"/>, the on-disk reconstruction cache, the decoders of the representations served as
/// stored (original, lossless; Gateway.Compression registers the latent one), the series prefetch, and the latent
/// arrays of the /latent resources.
/// </summary>
public static class RetrieveServices
{
    public static IServiceCollection AddGatewayRetrieve(this IServiceCollection services)
    {
        services.AddSingleton<IReconstructionCache>(provider => new FileReconstructionCache(
            Settings(provider).CacheDirectory,
            Settings(provider).ReconstructionCacheMaxBytes,
            provider.GetRequiredService<ILogger<FileReconstructionCache>>()));
        services.AddSingleton<IRepresentationDecoder>(new StoredFileDecoder(StorageKind.Original));
        services.AddSingleton<IRepresentationDecoder>(new StoredFileDecoder(StorageKind.Lossless));
        services.AddSingleton<IRepresentationDecoder>(new StoredFileDecoder(StorageKind.J2kLossy));
        services.AddSingleton(provider => new RetrieveOptions
        {
            Prefetch = Settings(provider).ReconstructionPrefetch,
            PrefetchQueueCapacity = Settings(provider).ReconstructionPrefetchQueue,
        });
        services.AddSingleton<RetrieveMetrics>();
        services.AddSingleton<RetrieveService>();
        services.AddHostedService<PrefetchService>();
        services.AddSingleton<LatentArrays>();
        services.AddSingleton<SeriesLatentArrays>();
        return services;
    }

    private static GatewayOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
}
