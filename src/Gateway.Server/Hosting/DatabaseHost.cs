using Gateway.Infrastructure.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Hosting;

/// <summary>
/// The gateway's PostgreSQL: the embedded cluster under the data folder (started and stopped here) or the
/// server named by --postgres, and the one data source every repository uses.
/// </summary>
public sealed class DatabaseHost : IAsyncDisposable
{
    private readonly EmbeddedPostgres? _embedded;
    private readonly DataDirectoryLock _dataLock;

    public DatabaseHost(IOptions<GatewayOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var settings = options.Value;
        _dataLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        string connectionString;
        if (string.IsNullOrWhiteSpace(settings.Postgres))
        {
            _embedded = new EmbeddedPostgres(settings.PostgresDirectory, loggerFactory.CreateLogger<EmbeddedPostgres>());
            connectionString = _embedded.ConnectionString;
        }
        else
        {
            connectionString = settings.Postgres;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Every instance runs the same few statements; prepared once per connection, PostgreSQL stops parsing and
            // planning them on each ingest (a quarter of its CPU per instance without this).
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        builder.UseLoggerFactory(loggerFactory);
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public bool IsEmbedded => _embedded is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null)
        {
            await _embedded.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the embedded PostgreSQL again when its server died since it was started (nothing to do for a server
    /// named by --postgres); true when it was restarted. The pool's broken connections are dropped then.
    /// </summary>
    public async Task<bool> RestartIfDiedAsync(CancellationToken cancellationToken)
    {
        if (_embedded is null || !await _embedded.RestartIfDiedAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        DataSource.Clear();
        return true;
    }

    /// <summary>Whether PostgreSQL answers a trivial query within a few seconds (and, when embedded, its postmaster lives).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        if (_embedded is { IsServing: false })
        {
            return false;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var command = DataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync().ConfigureAwait(false);
        }

        _dataLock.Dispose();
    }
}
