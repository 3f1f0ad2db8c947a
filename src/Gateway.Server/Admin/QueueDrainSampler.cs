using Gateway.Core.Jobs.Progress;
using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Server.Admin;

/// <summary>Samples the queue's done totals every <see cref="Interval"/> for <see cref="QueueDrain"/>, so the jobs page has a rate without a scraper; a database that does not answer skips a sample.</summary>
public sealed class QueueDrainSampler(IOperationalGauges gauges, QueueDrain drain) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                drain.Record(await gauges.ReadQueueAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The next tick tries again; /health/ready reports the database.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
