using Gateway.Core.Jobs;
using Gateway.Core.Jobs.Progress;

namespace Gateway.Server.Models;

/// <summary>One dry run: what it evaluates (a model id, or null for the policy in force), its progress, and its outcome once done.</summary>
public sealed record DryRunState(string? ModelId, ProgressTracker Progress, Task<IReadOnlyList<DryRunInstance>> Run)
{
    public string State => Run.Status switch
    {
        TaskStatus.RanToCompletion => "done",
        TaskStatus.Faulted => "failed",
        TaskStatus.Canceled => "cancelled",
        _ => "running",
    };

    public IReadOnlyList<DryRunInstance>? Results => Run.Status == TaskStatus.RanToCompletion ? Run.Result : null;

    public string? Error => Run.Exception?.GetBaseException().Message;
}

/// <summary>
/// The models page's dry runs, one at a time, each a bounded background task (a sample of at most
/// <see cref="MaxSample"/> instances) in this process; the last one stays to be shown. Stopping the gateway cancels a
/// run and waits for it.
/// </summary>
public sealed partial class DryRuns(CompressionDryRun dryRun, TimeProvider time, ILogger<DryRuns> logger) : IHostedService, IDisposable
{
    public const int MaxSample = 1000;

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();

    public DryRunState? Last { get; private set; }

    /// <summary>Starts a dry run of <paramref name="modelId"/> (null: the policy in force) over <paramref name="sample"/> instances; null when one is running.</summary>
    public async Task<DryRunState?> StartAsync(string? modelId, int sample, CancellationToken cancellationToken)
    {
        var instances = await dryRun.SampleAsync(Math.Clamp(sample, 1, MaxSample), cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (Last?.State == "running")
            {
                return null;
            }

            var progress = new ProgressTracker($"dry run of {modelId ?? "policy"}", instances.Count, time);
            Log.Started(logger, modelId ?? "policy", instances.Count);
            var run = Task.Run(() => RunAsync(modelId, instances, progress), CancellationToken.None);
            Last = new DryRunState(modelId, progress, run);
            return Last;
        }
    }

    private async Task<IReadOnlyList<DryRunInstance>> RunAsync(string? modelId, IReadOnlyList<long> instances, ProgressTracker progress)
    {
        try
        {
            var results = await dryRun.EvaluateAsync(modelId, instances, progress, _stopping.Token).ConfigureAwait(false);
            Log.Finished(logger, modelId ?? "policy", progress);
            return results;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.Failed(logger, modelId ?? "policy", exception);
            throw;
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Last?.Run is { } run)
        {
            await Task.WhenAny(run, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 7992, Level = LogLevel.Information, Message = "Dry run of {Scope} started over {Total} instances")]
        public static partial void Started(ILogger logger, string scope, int total);

        [LoggerMessage(EventId = 7993, Level = LogLevel.Information, Message = "Dry run of {Scope} done ({Progress})")]
        public static partial void Finished(ILogger logger, string scope, ProgressTracker progress);

        [LoggerMessage(EventId = 7994, Level = LogLevel.Error, Message = "Dry run of {Scope} failed")]
        public static partial void Failed(ILogger logger, string scope, Exception exception);
    }
}
