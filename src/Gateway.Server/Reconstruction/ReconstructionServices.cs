using Gateway.Server.DicomWeb.Latent;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Reconstruction;

/// <summary>Registers the instance source every retrieval path uses, the reconstruction cache, the series prefetcher and the latent arrays of the /latent resources.</summary>
public static class ReconstructionServices
{
    public static IServiceCollection AddGatewayReconstruction(this IServiceCollection services)
    {
        services.AddSingleton(provider => new ReconstructionCache(
            Settings(provider).CacheDirectory,
            Settings(provider).ReconstructionCacheMaxBytes,
            provider.GetRequiredService<ILogger<ReconstructionCache>>()));
        services.AddSingleton<LatentObjectReader>();
        services.AddSingleton<LatentReconstructor>();
        services.AddSingleton(provider => new ReconstructionPrefetcher(
            provider.GetRequiredService<Gateway.Core.Archive.IArchiveReader>(),
            provider.GetRequiredService<LatentReconstructor>(),
            provider.GetRequiredService<ReconstructionCache>(),
            Settings(provider).ReconstructionPrefetchQueue,
            Settings(provider).ReconstructionPrefetch,
            provider.GetRequiredService<ILogger<ReconstructionPrefetcher>>()));
        services.AddHostedService(provider => provider.GetRequiredService<ReconstructionPrefetcher>());
        services.AddSingleton<InstanceSource>();
        services.AddSingleton<LatentArrays>();
        return services;
    }

    private static GatewayOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
}
