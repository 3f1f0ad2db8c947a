using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Jobs;
using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres.Compression;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Compression;

/// <summary>
/// Registers compression: the options of Gateway:Compression, the compress and retire-original jobs, their index,
/// metrics, the latent engine (loaded on first use) with Gateway.Compression's quality measure, and the start-up
/// registration of the engine's models. Without an engine latent rules store lossless.
/// </summary>
public static class CompressionServices
{
    /// <summary>Call after the archive's start-up service: the model registration needs the migrated schema.</summary>
    public static IServiceCollection AddGatewayCompression(this IServiceCollection services)
    {
        services.AddOptions<CompressionOptions>().BindConfiguration(CompressionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<CompressionOptions>>().Value);
        services.AddSingleton<CompressionMetrics>();
        services.AddSingleton<LatentEngineProvider>();
        services.AddSingleton<ILatentEngine, ProvidedLatentEngine>();
        services.AddSingleton<IQualityMeter, QualityMeter>();
        services.AddSingleton<ICompressionIndex>(provider => new PostgresCompressionIndex(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IJobHandler>(provider => new CompressJobHandler(
            provider.GetRequiredService<ICompressionIndex>(),
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<InstanceHeaders>(),
            provider.GetRequiredService<CompressionOptions>(),
            provider.GetRequiredService<ILogger<CompressJobHandler>>(),
            () => provider.GetRequiredService<LatentEngineProvider>().Engine,
            provider.GetRequiredService<IQualityMeter>(),
            provider.GetRequiredService<CompressionMetrics>()));
        services.AddSingleton<IJobHandler, RetireOriginalJobHandler>();
        services.AddHostedService<ModelRegistration>();
        return services;
    }
}
