using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Lifecycle;
using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres.Lifecycle;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Lifecycle;

/// <summary>Registers lifecycle rules (Gateway:Lifecycle, checked at start), their index, the lifecycle job and the scheduler that queues its batches.</summary>
public static class LifecycleServices
{
    /// <summary>Call after <see cref="Compression.CompressionServices.AddGatewayCompressionJobs"/>: the job stores through the compress job.</summary>
    public static IServiceCollection AddGatewayLifecycle(this IServiceCollection services)
    {
        services.AddOptions<LifecycleOptions>().BindConfiguration(LifecycleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<LifecycleOptions>, LifecycleOptionsValidation>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<LifecycleOptions>>().Value);
        services.AddSingleton(provider => new LifecycleRules(provider.GetRequiredService<LifecycleOptions>(), provider.GetRequiredService<CompressionOptions>()));
        services.AddSingleton<ILifecycleIndex>(provider => new PostgresLifecycleIndex(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IJobHandler>(provider => new LifecycleJobHandler(
            provider.GetRequiredService<ILifecycleIndex>(),
            provider.GetRequiredService<ICompressionIndex>(),
            provider.GetRequiredService<CompressJobHandler>(),
            provider.GetRequiredService<LifecycleRules>(),
            provider.GetRequiredService<IObjectStore>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<LifecycleJobHandler>>()));
        services.AddHostedService<LifecycleScheduler>();
        return services;
    }

    /// <summary>Refuses lifecycle rules that cannot be applied, naming each setting, before anything starts.</summary>
    private sealed class LifecycleOptionsValidation : IValidateOptions<LifecycleOptions>
    {
        public ValidateOptionsResult Validate(string? name, LifecycleOptions options)
        {
            var problems = LifecycleRules.Problems(options);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
