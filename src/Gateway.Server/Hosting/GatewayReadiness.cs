using Gateway.Core.Storage;
using Gateway.Infrastructure.Storage.S3;
using Gateway.Server.Compression;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// Whether the gateway can do its work: PostgreSQL answers, an S3 object store's bucket answers (a one-key listing
/// within <see cref="ObjectStoreTimeout"/>; a folder store is the data disk's check), the data disk has room
/// (Gateway:MinFreeDiskBytes), the compression policy's models were found. /health/ready checks at each request; <see cref="HealthMonitor"/> checks every
/// second, and the DICOM listener reads <see cref="Current"/>. Each problem is logged once when it appears, and the
/// return to ready once.
/// </summary>
public sealed partial class GatewayReadiness(DatabaseHost database, IObjectStore objects, IOptions<GatewayOptions> options, ModelRegistration models, ILogger<GatewayReadiness> logger)
{
    /// <summary>How long the bucket check waits: short, so that a probe never hangs on an S3 server that does not answer.</summary>
    public static readonly TimeSpan ObjectStoreTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private ReadinessReport _current = new([new ReadinessProblem("starting", "the gateway is starting", BlocksStorage: true)]);

    /// <summary>The outcome of the latest check.</summary>
    public ReadinessReport Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<ReadinessProblem>();
        var reachable = await database.IsReachableAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (!reachable)
        {
            problems.Add(new ReadinessProblem(
                "database",
                database.IsEmbedded ? "the embedded PostgreSQL does not answer (the gateway restarts it when its server died)" : "PostgreSQL does not answer",
                BlocksStorage: true));
        }

        if (objects is S3ObjectStore bucket && await bucket.ProblemAsync(ObjectStoreTimeout, cancellationToken).ConfigureAwait(false) is { } unreachable)
        {
            problems.Add(new ReadinessProblem("objects", unreachable, BlocksStorage: true));
        }

        if (DataDiskSpace.Check(options.Value) is { } disk)
        {
            problems.Add(disk);
        }

        if (models.Problem is { } missing)
        {
            problems.Add(new ReadinessProblem("models", missing, BlocksStorage: false));
        }

        var report = new ReadinessReport(problems);
        Publish(report);
        return report;
    }

    private void Publish(ReadinessReport report)
    {
        lock (_lock)
        {
            var before = _current.Problems.Select(problem => problem.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var problem in report.Problems.Where(problem => !before.Contains(problem.Key)))
            {
                Log.NotReady(logger, problem.Reason);
            }

            if (report.IsReady && !_current.IsReady)
            {
                Log.Ready(logger);
            }

            _current = report;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7420, Level = LogLevel.Error, Message = "Not ready: {Reason}")]
        public static partial void NotReady(ILogger logger, string reason);

        [LoggerMessage(EventId = 7421, Level = LogLevel.Information, Message = "Ready: PostgreSQL answers, the data disk has room and the compression models are loaded")]
        public static partial void Ready(ILogger logger);
    }
}
