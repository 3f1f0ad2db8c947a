using Gateway.Core.Storage;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Infrastructure.Storage;
using Npgsql;

namespace Gateway.Server.Jobs;

/// <summary>At start-up (after the archive's receive recovery, before the listeners): the orphan sweep of a folder object store.</summary>
public sealed partial class ObjectStoreRecovery(IObjectStore objects, NpgsqlDataSource dataSource, ILogger<ObjectStoreRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (objects is not FileSystemObjectStore folder)
        {
            return;
        }

        var (temporary, orphans) = await new PostgresOrphanSweep(dataSource, folder).SweepAsync(cancellationToken).ConfigureAwait(false);
        if (temporary + orphans > 0)
        {
            Log.Swept(logger, temporary, orphans);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Start-up sweep removed {Temporary} unfinished temporary files and {Orphans} unreferenced objects left by a crash")]
        public static partial void Swept(ILogger logger, int temporary, int orphans);
    }
}
