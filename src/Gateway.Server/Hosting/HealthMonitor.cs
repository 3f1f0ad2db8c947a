namespace Gateway.Server.Hosting;

/// <summary>
/// Every second: restarts the embedded PostgreSQL when its server died (kill -9, the OOM killer), then checks
/// readiness. The first check runs at start-up, before the listeners open.
/// </summary>
public sealed partial class HealthMonitor(DatabaseHost database, GatewayReadiness readiness, ILogger<HealthMonitor> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await database.RestartIfDiedAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                {
                    // After a kill -9 the orphaned backends hold the shared memory for a moment: the next tick tries again.
                    Log.RestartFailed(logger, exception.Message);
                }

                await readiness.CheckAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7422, Level = LogLevel.Warning, Message = "Restarting the embedded PostgreSQL failed (tried again in a second): {Error}")]
        public static partial void RestartFailed(ILogger logger, string error);
    }
}
