using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>Refuses settings that cannot authenticate anyone (an Authority without an Audience, an http issuer), naming the setting.</summary>
internal sealed class SecurityOptionsValidation : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
