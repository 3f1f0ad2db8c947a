using Gateway.Core.Jobs;
using Gateway.Core.Statistics;

namespace Gateway.Server.Models;

/// <summary>What a dry run projects in all: bytes now and projected, the ratio, the representations, the PSNR of the lossy choices.</summary>
public sealed class DryRunSummary(IReadOnlyList<DryRunInstance> results)
{
    public long CurrentBytes { get; } = results.Sum(row => row.CurrentBytes);

    public long ProjectedBytes { get; } = results.Sum(row => row.ProjectedBytes);

    /// <summary>Received pixel bytes over projected bytes (0 when nothing was projected).</summary>
    public double Ratio => ProjectedBytes == 0 ? 0 : (double)results.Sum(row => row.PixelBytes) / ProjectedBytes;

    public double? MedianPsnr
    {
        get
        {
            var values = results.Where(row => row.Psnr is not null).Select(row => row.Psnr!.Value).Order().ToArray();
            return values.Length == 0 ? null : values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
        }
    }

    public IReadOnlyList<(string Representation, long Instances, long Bytes)> ByRepresentation =>
        [.. results.GroupBy(row => row.Projected).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => (group.Key, (long)group.Count(), group.Sum(row => row.ProjectedBytes)))];

    /// <summary>The lossy choices' PSNR in the buckets of <see cref="QualityReport.PsnrBounds"/>.</summary>
    public IReadOnlyList<HistogramBucket> PsnrHistogram
    {
        get
        {
            var bounds = QualityReport.PsnrBounds;
            var psnr = results.Where(row => row.Psnr is not null).Select(row => row.Psnr!.Value).ToList();
            return [.. Enumerable.Range(0, bounds.Count + 1).Select(i => new HistogramBucket(
                i == 0 ? null : bounds[i - 1],
                i == bounds.Count ? null : bounds[i],
                psnr.Count(value => (i == 0 || value >= bounds[i - 1]) && (i == bounds.Count || value < bounds[i]))))];
        }
    }
}
