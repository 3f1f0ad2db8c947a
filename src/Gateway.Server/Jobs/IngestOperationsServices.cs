using Gateway.Core.Archive;
using Gateway.Core.Jobs;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Statistics;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Infrastructure.Postgres.Statistics;
using Gateway.Server.Admin;
using Gateway.Server.DicomWeb.Stow;
using Gateway.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Jobs;

/// <summary>Registers STOW-RS, the work queue with its workers and the verify job, the start-up orphan sweep, statistics and metrics.</summary>
public static class IngestOperationsServices
{
    /// <summary>Call after the archive's start-up service and before the listeners: the sweep must run between them.</summary>
    public static IServiceCollection AddGatewayIngestOperations(this IServiceCollection services)
    {
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<StowHandler>();

        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new JobOptions
            {
                Workers = settings.JobWorkers,
                MaxAttempts = settings.JobMaxAttempts,
                PollInterval = TimeSpan.FromSeconds(settings.JobPollSeconds),
                RetryBaseDelay = TimeSpan.FromSeconds(settings.JobRetryBaseSeconds),
                StaleAfter = TimeSpan.FromSeconds(settings.JobLeaseSeconds),
            };
        });
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<IJobQueue>(provider => new PostgresJobQueue(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IJobAdministration>(provider => new PostgresJobAdministration(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IInstanceObjects>(provider => new PostgresInstanceObjects(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IJobHandler, VerifyJobHandler>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<PostgresJobNotifications>();

        services.AddSingleton<IArchiveStatistics>(provider => new PostgresArchiveStatistics(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IQualityStatistics>(provider => new PostgresQualityStatistics(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<MetricsCollector>();

        // Metrics gauges and the queue's drain (issue 17)
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IOperationalGauges>(provider => new PostgresOperationalGauges(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<QueueDrain>();
        services.AddSingleton<GaugeCache>();
        services.AddHostedService<QueueDrainSampler>();

        services.AddHostedService<ObjectStoreRecovery>();
        services.AddHostedService<JobWorkerService>();
        return services;
    }
}
