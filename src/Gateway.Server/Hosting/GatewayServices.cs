using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Jobs;
using Gateway.Core.Query;
using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Postgres.Headers;
using Gateway.Infrastructure.Postgres.Query;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Admin.Figures;
using Gateway.Server.Audit;
using Gateway.Server.Compression;
using Gateway.Server.Dimse;
using Gateway.Server.Jobs;
using Gateway.Server.Lifecycle;
using Gateway.Server.Retrieve;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>Registers the archive: PostgreSQL, object store, ingest, and the hosted services that run them.</summary>
public static class GatewayServices
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations()
            .Validate(
                settings => settings.DuplicatePolicy != DuplicatePolicy.Replace || settings.DuplicateReplaceCallingAETitles.Count > 0,
                "Gateway:DuplicatePolicy Replace needs Gateway:DuplicateReplaceCallingAETitles, the calling AE titles allowed to replace a stored instance.")
            .Validate(options => options.TrustedProxies.All(TrustedProxies.IsValid), "Gateway:TrustedProxies must list IP addresses or CIDR networks (10.0.0.0/8).")
            .Validate(options => options.Listeners || options.JobWorkers > 0, "gateway worker (Gateway:Listeners false) needs Gateway:JobWorkers above 0.")
            .Validate(
                options => options.Listeners || !string.IsNullOrWhiteSpace(options.Postgres),
                "gateway worker (Gateway:Listeners false) needs --postgres (Gateway:Postgres): the PostgreSQL the serve nodes share.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, DimseOptionsValidation>();

        services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidation>();

        // Crash tests only: a crash point, armed only in the Testing environment (nothing is armed by default).
        services.AddOptions<TestingOptions>().BindConfiguration(TestingOptions.SectionName).ValidateDataAnnotations()
            .Validate(testing => testing.KillAt is null || CrashPoint.All.Contains(testing.KillAt), $"Gateway:Testing:KillAt must be one of {string.Join(", ", CrashPoint.All)}.")
            .Validate<IHostEnvironment>(
                (testing, environment) => testing.KillAt is null || environment.IsEnvironment(TestingOptions.EnvironmentName),
                $"Gateway:Testing:KillAt arms a crash point that kills the process; it is refused unless DOTNET_ENVIRONMENT (or ASPNETCORE_ENVIRONMENT) is {TestingOptions.EnvironmentName}.")
            .ValidateOnStart();
        services.AddSingleton<ICrashPoints, ProcessKillCrashPoints>();
        services.AddSingleton<DatabaseHost>();
        services.AddSingleton(provider => provider.GetRequiredService<DatabaseHost>().DataSource);
        services.AddSingleton<MigrationRunner>();
        services.AddGatewayObjectStore();
        services.AddSingleton<IArchiveIndex>(provider => new PostgresArchiveIndex(
            provider.GetRequiredService<DatabaseHost>().DataSource, Settings(provider).NodeName, provider.GetRequiredService<CompressionOptions>().Enabled,
            TimeSpan.FromSeconds(Settings(provider).JobDelaySeconds)));
        services.AddSingleton<IHeaderStore>(provider => new PostgresHeaderStore(provider.GetRequiredService<DatabaseHost>().DataSource));
        services.AddSingleton(provider => new HeaderCacheOptions { JsonMaxBytes = Settings(provider).MetadataCacheMaxBytes });
        services.AddSingleton<InstanceHeaders>();
        services.AddSingleton<IArchiveReader>(provider => new PostgresArchiveReader(provider.GetRequiredService<DatabaseHost>().DataSource, provider.GetRequiredService<InstanceHeaders>()));
        services.AddSingleton(provider => new IngestOptions
        {
            SpoolDirectory = Settings(provider).SpoolDirectory,
            DuplicatePolicy = Settings(provider).DuplicatePolicy,
            ReplaceCallingAETitles = Settings(provider).DuplicateReplaceCallingAETitles.ToHashSet(StringComparer.Ordinal),
        });
        services.AddSingleton<IngestService>();
        services.AddSingleton<IArchiveDeletion>(provider => new PostgresArchiveDeletion(provider.GetRequiredService<DatabaseHost>().DataSource));
        services.AddSingleton<DeleteService>();

        // The retrieve service that WADO-RS, WADO-URI, C-GET and C-MOVE read through (the latent decoder comes with compression).
        services.AddGatewayRetrieve();

        // Searches (QIDO-RS and C-FIND) and retrieval over DIMSE.
        services.AddSingleton<IArchiveQueryStore>(provider => new PostgresArchiveQueryStore(provider.GetRequiredService<DatabaseHost>().DataSource, provider.GetRequiredService<InstanceHeaders>()));
        services.AddSingleton<ArchiveQueryService>();

        // Hosted services start in this order and stop in the reverse one: the archive before the listeners.
        services.AddHostedService<ArchiveStartup>();

        // The audit trail's writer, once the archive (its table) is there; it stops after the listeners.
        services.AddGatewayAudit();

        // The embedded PostgreSQL restarted when it died, and readiness checked every second, from here on.
        services.AddSingleton<GatewayReadiness>();
        services.AddHostedService<HealthMonitor>();

        // Ingest operations: STOW-RS, the work queue and its workers, the start-up orphan sweep, statistics, metrics.
        services.AddGatewayIngestOperations();

        // The whole-archive figures kept in memory while valid, computed at start where pages are served (issue 17).
        services.AddGatewayFigures(configuration.GetValue("Gateway:Listeners", true));

        // The compress and retire-original jobs, and the models table filled from the latent engine.
        services.AddGatewayCompressionJobs(configuration);

        // Lifecycle rules (issue 17): the lifecycle job and the scheduler of its batches.
        services.AddGatewayLifecycle();

        services.AddSingleton<DicomListener>();
        services.AddHostedService(provider => provider.GetRequiredService<DicomListener>());
        return services;
    }

    private static GatewayOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
}
