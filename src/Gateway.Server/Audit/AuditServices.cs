using Gateway.Core.Audit;
using Gateway.Infrastructure.Postgres.Audit;
using Gateway.Server.Audit.Syslog;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Audit;

/// <summary>The audit trail: the table, the queue and its writer (a hosted service), and the syslog sender.</summary>
public static class AuditServices
{
    public static IServiceCollection AddGatewayAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidation>();
        services.AddSingleton<IAuditStore>(provider => new PostgresAuditStore(provider.GetRequiredService<DatabaseHost>().DataSource));
        services.AddSingleton<AuditSyslogSender>();
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<IAuditTrail>(provider => provider.GetRequiredService<AuditWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<AuditWriter>());
        return services;
    }
}
