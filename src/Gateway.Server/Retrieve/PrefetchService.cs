using Gateway.Core.Retrieve;

namespace Gateway.Server.Retrieve;

/// <summary>Runs the retrieve service's series prefetch in the background for the life of the gateway.</summary>
public sealed class PrefetchService(RetrieveService retrieve) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => retrieve.RunPrefetchAsync(stoppingToken);
}
