using Gateway.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Gateway.Server.Tests.PostgresCluster))]

namespace Gateway.Server.Tests;

/// <summary>
/// One private PostgreSQL cluster for the whole test run (the gateway's own embedded launcher, in a temporary
/// folder), and a fresh, migrated database for each fixture that asks.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gateway-tests-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private EmbeddedPostgres? _server;
    private int _databases;

    public async ValueTask InitializeAsync()
    {
        _server = new EmbeddedPostgres(_folder, NullLogger.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    /// <summary>A new database with the gateway's schema; its data source is the caller's to dispose.</summary>
    public async Task<NpgsqlDataSource> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(await CreateEmptyDatabaseAsync(cancellationToken));
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
        return dataSource;
    }

    /// <summary>A new, empty database (no schema: the gateway migrates it at start-up); its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await _server!.CreateDatabaseAsync(name, cancellationToken);
        return _server.ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
