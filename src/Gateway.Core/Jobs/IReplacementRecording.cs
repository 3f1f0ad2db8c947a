using Gateway.Core.Compression;

namespace Gateway.Core.Jobs;

/// <summary>
/// Where the compress job's verified choice for one instance is recorded: the compress job's index (the first
/// replacement of an original) or a lifecycle move (<see cref="Lifecycle.LifecycleJobHandler"/>).
/// </summary>
internal interface IReplacementRecording
{
    /// <summary>Records the outcome (its objects are written, read back and verified); false when nothing was recorded, and the objects written are deleted.</summary>
    Task<bool> RecordAsync(CompressionOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records that the instance stays as it is, for <paramref name="reason"/>.</summary>
    Task KeepAsync(string reason, CancellationToken cancellationToken);
}
