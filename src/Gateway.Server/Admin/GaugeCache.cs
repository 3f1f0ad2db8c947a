using Gateway.Core.Jobs.Progress;
using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Server.Admin;

/// <summary>
/// The PostgreSQL gauges of /metrics, read at most once per <see cref="MaxAge"/> however many scrapers ask (one read
/// at a time; the others wait for it), null while PostgreSQL does not answer (gateway_database_up 0): the archive's
/// from their snapshot (Figures/FiguresServices), the queue's read each time. Every read also samples the queue's drain.
/// </summary>
public sealed class GaugeCache(FiguresSnapshot<OperationalGauges> snapshot, IOperationalGauges gauges, QueueDrain drain, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private (DateTimeOffset At, OperationalGauges? Gauges)? _last;

    public async Task<OperationalGauges?> ReadAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh.Gauges;
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } read)
            {
                return read.Gauges;
            }

            OperationalGauges? current = null;
            try
            {
                var archive = await snapshot.ReadAsync(cancellationToken).ConfigureAwait(false);
                current = archive.Value with { Queue = await gauges.ReadQueueAsync(cancellationToken).ConfigureAwait(false) };
                drain.Record(current.Queue);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Reported as gateway_database_up 0 until the next read.
            }

            _last = (time.GetUtcNow(), current);
            return current;
        }
        finally
        {
            _reading.Release();
        }
    }

    public void Dispose() => _reading.Dispose();

    private (DateTimeOffset At, OperationalGauges? Gauges)? Fresh() =>
        _last is { } last && time.GetUtcNow() - last.At < MaxAge ? last : null;
}
