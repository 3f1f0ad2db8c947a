using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>Checks the HTTPS certificate's files every Gateway:Https:ReloadCheckSeconds and loads them when they change.</summary>
internal sealed class ServerCertificateWatcher(IOptions<HttpsOptions> options, IServiceProvider services) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var certificate = services.GetRequiredService<ServerCertificate>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReloadCheckSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                certificate.ReloadIfChanged();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
