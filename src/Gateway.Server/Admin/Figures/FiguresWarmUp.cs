using Gateway.Core.Statistics;

namespace Gateway.Server.Admin.Figures;

/// <summary>
/// Computes the first figures of every snapshot in the background once the gateway has started (the archive is
/// migrated by then), so that the first pages after a restart need not wait for a whole-archive computation; it
/// delays neither start-up nor readiness. A failure is logged by the snapshot; the first page then computes.
/// </summary>
public sealed class FiguresWarmUp(
    FiguresSnapshot<ArchiveStatistics> archive,
    FiguresSnapshot<QualityReport> quality,
    FiguresSnapshot<IReadOnlyList<ModelQuality>> models,
    FiguresSnapshot<OperationalGauges> gauges) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        Func<CancellationToken, Task>[] reads =
        [
            archive.ReadAsync,
            quality.ReadAsync,
            models.ReadAsync,
            gauges.ReadAsync,
        ];
        foreach (var read in reads)
        {
            try
            {
                await read(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Logged by the snapshot (8151).
            }
        }
    }
}
