using Gateway.Core.Statistics;
using Gateway.Infrastructure.Postgres.Statistics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Admin.Figures;

/// <summary>
/// Registers the whole-archive figures' snapshots (issue 17: pages under 1 s with 100,000 instances): the archive's
/// statistics, the quality report, the quality per model and the gauges of /metrics, each computed by its PostgreSQL
/// queries and reused while the archive's change counter (migration 0020) says it is valid; and, where the gateway
/// serves pages, their computation at start.
/// </summary>
public static class FiguresServices
{
    public static IServiceCollection AddGatewayFigures(this IServiceCollection services, bool listeners)
    {
        services.AddOptions<FiguresOptions>().BindConfiguration(FiguresOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IArchiveChanges>(provider => new PostgresArchiveChanges(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(provider => Snapshot<ArchiveStatistics>(provider, "archive", provider.GetRequiredService<IArchiveStatistics>().ReadAsync));
        services.AddSingleton(provider => Snapshot<QualityReport>(provider, "quality", provider.GetRequiredService<IQualityStatistics>().ReadAsync));
        services.AddSingleton(provider => Snapshot<IReadOnlyList<ModelQuality>>(provider, "models", provider.GetRequiredService<IModelStatistics>().ReadAsync));
        services.AddSingleton(provider => Snapshot<OperationalGauges>(provider, "gauges", provider.GetRequiredService<IOperationalGauges>().ReadAsync));
        services.AddSingleton<ArchiveFigures>();
        if (listeners)
        {
            services.AddHostedService<FiguresWarmUp>();
        }

        return services;
    }

    private static FiguresSnapshot<T> Snapshot<T>(IServiceProvider provider, string name, Func<CancellationToken, Task<T>> compute)
        where T : class => new(
            name,
            compute,
            provider.GetRequiredService<IArchiveChanges>(),
            provider.GetRequiredService<IOptions<FiguresOptions>>().Value.FiguresMaxAge,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Server.Admin.Figures"));
}
