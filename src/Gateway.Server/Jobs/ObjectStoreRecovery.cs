using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Infrastructure.Storage;
using Gateway.Infrastructure.Storage.S3;
using Npgsql;

namespace Gateway.Server.Jobs;

/// <summary>At start-up (after the archive's receive recovery, before the listeners): an S3 bucket checked, then the orphan sweep of the object store.</summary>
public sealed partial class ObjectStoreRecovery(IObjectStore objects, NpgsqlDataSource dataSource, ILogger<ObjectStoreRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (objects is S3ObjectStore bucket)
        {
            await bucket.CheckBucketAsync(cancellationToken).ConfigureAwait(false);
            Log.Bucket(logger, bucket.Bucket);
        }

        if (objects is not ISweepableObjectStore store)
        {
            return;
        }

        var (temporary, orphans) = await new PostgresOrphanSweep(dataSource, store).SweepAsync(cancellationToken).ConfigureAwait(false);
        if (temporary + orphans > 0)
        {
            Log.Swept(logger, temporary, orphans);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7910, Level = LogLevel.Information, Message = "Objects are stored in S3 bucket {Bucket}")]
        public static partial void Bucket(ILogger logger, string bucket);

        [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Start-up sweep removed {Temporary} unfinished puts (temporary files, multipart uploads) and {Orphans} unreferenced objects left by a crash")]
        public static partial void Swept(ILogger logger, int temporary, int orphans);
    }
}
