using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>Refuses Gateway:Peers and Gateway:DicomTls settings the DICOM listener cannot use, naming the setting, before anything starts.</summary>
internal sealed class DimseOptionsValidation : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (PeerList.Problem(options.Peers, options.DicomTls) ?? options.DicomTls.Problem()) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
