namespace Gateway.Core.Jobs;

/// <summary>
/// The "compress-2d" job: the compress job of an instance the series job handed back (a slice that missed the target,
/// an instance outside the series' volume, a late one), run on its rule's per-instance path.
/// </summary>
public sealed class CompressTwoDimensionalJobHandler(CompressJobHandler compress) : IJobHandler
{
    public string Kind => CompressJobHandler.TwoDimensionalJobKind;

    public Task HandleAsync(QueuedJob job, CancellationToken cancellationToken) => compress.HandleAsync(job, seriesFirst: false, cancellationToken);
}
