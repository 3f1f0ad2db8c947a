using Gateway.Core.Statistics;

namespace Gateway.Server.Admin.Figures;

/// <summary>
/// What the overview, the jobs page and /api/stats show: the archive's statistics from their snapshot, with the
/// queue's figures (jobs, latest failures, recent activity: small tables and one scan) read for each request.
/// </summary>
public sealed class ArchiveFigures(FiguresSnapshot<ArchiveStatistics> snapshot, IArchiveStatistics statistics)
{
    public async Task<Figures<ArchiveStatistics>> ReadAsync(CancellationToken cancellationToken)
    {
        var figures = await snapshot.ReadAsync(cancellationToken).ConfigureAwait(false);
        var queue = await statistics.ReadQueueAsync(cancellationToken).ConfigureAwait(false);
        return figures with
        {
            Value = figures.Value with { Jobs = queue.Jobs, RecentFailures = queue.RecentFailures, Activity = queue.Activity },
        };
    }
}
