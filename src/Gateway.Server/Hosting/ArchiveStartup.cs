using Gateway.Core.Archive;
using Gateway.Infrastructure.Postgres;

namespace Gateway.Server.Hosting;

/// <summary>
/// First thing at start-up: PostgreSQL up, migrations applied (under an advisory lock), and what a crash left
/// half-received removed; last thing at shutdown: the embedded PostgreSQL stopped.
/// </summary>
public sealed partial class ArchiveStartup(DatabaseHost database, MigrationRunner migrations, IngestService ingest, ILogger<ArchiveStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.StartAsync(cancellationToken).ConfigureAwait(false);
        var applied = await migrations.ApplyAsync(cancellationToken).ConfigureAwait(false);
        var recovered = await ingest.RecoverAsync(cancellationToken).ConfigureAwait(false);
        Log.Ready(logger, database.IsEmbedded ? "embedded" : "external", applied, recovered);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Archive ready: {Kind} PostgreSQL, {Applied} migrations applied, {Recovered} half-received instances removed")]
        public static partial void Ready(ILogger logger, string kind, int applied, int recovered);
    }
}
