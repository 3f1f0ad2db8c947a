namespace Gateway.Core.Statistics;

/// <summary>
/// The archive's change counter (migration 0020): advanced by every statement that writes what the whole-archive
/// figures read (instances, objects, series, series latents), on any gateway node.
/// </summary>
public interface IArchiveChanges
{
    /// <summary>The counter now.</summary>
    Task<long> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The counter to stamp a computation with that starts right after this call; null while a transaction that wrote
    /// those tables is still open: its change is counted already but may not be visible to the computation, whose
    /// result must then count as changed from the start.
    /// </summary>
    Task<long?> ReadBeforeComputingAsync(CancellationToken cancellationToken);
}
