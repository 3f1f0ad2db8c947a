using Gateway.Core.Backfill;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Storage;
using Gateway.Core.Statistics;
using Gateway.Infrastructure.Postgres.Models;
using Gateway.Infrastructure.Postgres.Statistics;
using Npgsql;

namespace Gateway.Server.Models;

/// <summary>Registers what the console's models page needs: the promotions (which the compress job reads), the measured quality per model, the dry runs, and backfills (their index and job).</summary>
public static class ModelServices
{
    public static IServiceCollection AddGatewayModels(this IServiceCollection services)
    {
        services.AddSingleton<IModelPromotions>(provider => new PostgresModelPromotions(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IModelStatistics>(provider => new PostgresModelStatistics(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<CompressionDryRun>();
        services.AddSingleton(provider => new DryRuns(
            provider.GetRequiredService<CompressionDryRun>(), provider.GetService<TimeProvider>() ?? TimeProvider.System, provider.GetRequiredService<ILogger<DryRuns>>()));
        services.AddHostedService(provider => provider.GetRequiredService<DryRuns>());
        services.AddSingleton<IModelBackfillIndex>(provider => new PostgresModelBackfills(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IJobHandler>(provider => new ModelBackfillJobHandler(
            provider.GetRequiredService<IModelBackfillIndex>(),
            provider.GetRequiredService<ICompressionIndex>(),
            provider.GetRequiredService<CompressJobHandler>(),
            provider.GetRequiredService<CompressionOptions>(),
            provider.GetRequiredService<IObjectStore>(),
            provider.GetRequiredService<ICrashPoints>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<ModelBackfillJobHandler>>()));
        return services;
    }
}
