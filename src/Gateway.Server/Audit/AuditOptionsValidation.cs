using Microsoft.Extensions.Options;

namespace Gateway.Server.Audit;

/// <summary>Refuses syslog settings that cannot work, at start, with the reason.</summary>
internal sealed class AuditOptionsValidation : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Syslog.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
