using Gateway.Core.Statistics;

namespace Gateway.Core.Jobs.Progress;

/// <summary>How the queue of one job kind drains: the jobs waiting (queued or running) and the progress over the window.</summary>
public sealed record KindDrain(string Kind, long Waiting, ProgressSnapshot Progress);

/// <summary>
/// The queue's drain per kind, from samples of its done totals (job_totals, shared by every node) taken whenever the
/// queue is read: the jobs done over the last <see cref="Window"/> (or since the first sample, when this process has
/// sampled for less), their rate, and the ETA of the jobs waiting at that rate. Samples closer than
/// <see cref="MinSpacing"/> to the last one are not kept, so the memory is bounded.
/// </summary>
public sealed class QueueDrain(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly LinkedList<(DateTimeOffset At, IReadOnlyDictionary<string, long> Done)> _samples = new();

    /// <summary>Keeps a sample of the done totals in <paramref name="queue"/>, taken now.</summary>
    public void Record(QueueState queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var now = time.GetUtcNow();
        var done = queue.Kinds.ToDictionary(kind => kind, kind => queue.Count(kind, "done"), StringComparer.Ordinal);
        lock (_lock)
        {
            if (_samples.Last is { } last && now - last.Value.At < MinSpacing)
            {
                return;
            }

            _samples.AddLast((now, done));
            while (_samples.First is { } first && now - first.Value.At > Window)
            {
                _samples.RemoveFirst();
            }
        }
    }

    /// <summary>Records <paramref name="queue"/>, then the drain of every kind in it against the oldest sample in the window.</summary>
    public IReadOnlyList<KindDrain> Read(QueueState queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        Record(queue);
        DateTimeOffset since;
        IReadOnlyDictionary<string, long> before;
        lock (_lock)
        {
            (since, before) = _samples.First!.Value;
        }

        var elapsed = time.GetUtcNow() - since;
        return
        [
            .. queue.Kinds.Select(kind =>
            {
                var done = Math.Max(0, queue.Count(kind, "done") - before.GetValueOrDefault(kind));
                var waiting = queue.Count(kind, "queued") + queue.Count(kind, "running");
                return new KindDrain(kind, waiting, new ProgressSnapshot(done, done + waiting, elapsed));
            }),
        ];
    }
}
