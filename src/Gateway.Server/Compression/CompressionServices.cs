using Gateway.Compression;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Jobs;
using Gateway.Core.Series;
using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres.Compression;
using Gateway.Infrastructure.Postgres.Series;
using Gateway.Server.Models;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Compression;

/// <summary>
/// Registers compression: the options of Gateway:Compression, the compress, series (Gateway:Series) and retire-original jobs, their index,
/// metrics, and the start-up registration of the engine's models; Gateway.Compression's part (the latent engine,
/// loaded on first use, its quality measure and the latent decoder) once, with the settings of Gateway:Onnx and
/// Gateway:Models. Without an engine latent rules store lossless.
/// </summary>
public static class CompressionServices
{
    /// <summary>Call after the archive's start-up service: the model registration needs the migrated schema.</summary>
    public static IServiceCollection AddGatewayCompressionJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var runtimeOptions = configuration.GetSection("Gateway:Onnx").Get<OnnxRuntimeOptions>() ?? new OnnxRuntimeOptions();
        var modelOptions = configuration.GetSection(ModelRegistryOptions.SectionName).Get<ModelRegistryOptions>() ?? new ModelRegistryOptions();
        services.AddGatewayCompression(runtimeOptions, modelOptions);

        services.AddOptions<CompressionOptions>().BindConfiguration(CompressionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<CompressionOptions>>().Value);
        services.AddSingleton<CompressionMetrics>();
        services.AddSingleton<ICompressionIndex>(provider => new PostgresCompressionIndex(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<ISeriesLatentIndex>(provider => new PostgresSeriesLatentIndex(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(provider => new CompressJobHandler(
            provider.GetRequiredService<ICompressionIndex>(),
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<InstanceHeaders>(),
            provider.GetRequiredService<CompressionOptions>(),
            provider.GetRequiredService<ILogger<CompressJobHandler>>(),
            provider.GetRequiredService<ILatentEngine>(),
            provider.GetRequiredService<ICrashPoints>(),
            provider.GetRequiredService<ISeriesLatentIndex>(),
            provider.GetRequiredService<IModelPromotions>(),
            provider.GetRequiredService<IQualityMeter>(),
            provider.GetRequiredService<CompressionMetrics>()));
        services.AddSingleton<IJobHandler>(provider => provider.GetRequiredService<CompressJobHandler>());
        services.AddSingleton<IJobHandler, RetireOriginalJobHandler>();

        // Series latents (issue 15): the series job and the per-instance path it hands instances back to.
        services.AddOptions<VolumeAssemblyOptions>().BindConfiguration(VolumeAssemblyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IJobHandler>(provider => new CompressTwoDimensionalJobHandler(provider.GetRequiredService<CompressJobHandler>()));
        services.AddSingleton<IJobHandler>(provider => new SeriesJobHandler(
            provider.GetRequiredService<ISeriesLatentIndex>(),
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<InstanceHeaders>(),
            provider.GetRequiredService<CompressionOptions>(),
            provider.GetRequiredService<IOptions<VolumeAssemblyOptions>>().Value,
            provider.GetRequiredService<IVolumeLatentEngine>(),
            provider.GetRequiredService<IQualityMeter>(),
            provider.GetRequiredService<ICrashPoints>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<SeriesJobHandler>>()));
        services.AddSingleton<ModelRegistration>();

        // The console's models page: promotions (read by the compress job), measured quality, dry runs.
        services.AddGatewayModels();
        services.AddHostedService(provider => provider.GetRequiredService<ModelRegistration>());
        return services;
    }
}
