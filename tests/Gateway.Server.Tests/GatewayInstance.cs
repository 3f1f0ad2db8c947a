using System.Globalization;
using Gateway.Server.Dimse;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gateway.Server.Tests;

/// <summary>
/// A whole gateway (the same host `gateway serve` builds) running in the test process on 127.0.0.1 with free
/// ports, a fresh database of the shared test cluster and its own data folder; disposing it stops it and removes
/// the folder.
/// </summary>
public sealed class GatewayInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, string?> _overrides;
    private readonly Action<WebApplicationBuilder>? _configure;
    private bool _handedOver;

    private GatewayInstance(WebApplication app, Dictionary<string, string?> overrides, Action<WebApplicationBuilder>? configure, string dataDirectory, string connectionString)
    {
        _app = app;
        _overrides = overrides;
        _configure = configure;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        Addresses = [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(address => new Uri(address.TrimEnd('/') + "/"))];
        BaseAddress = Addresses[0];
        DicomPort = app.Services.GetRequiredService<DicomListener>().Port;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Every address the gateway listens on: <see cref="BaseAddress"/> first, then HTTPS and the management port when configured.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The HTTP root, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; }

    public int DicomPort { get; }

    public const string AETitle = "GATEWAY";

    public string DataDirectory { get; }

    public string ConnectionString { get; }

    /// <summary>A client whose base address is <see cref="BaseAddress"/>.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a gateway; <paramref name="settings"/> are extra "Key" = value settings of the Gateway section, and
    /// <paramref name="configure"/> may add or replace services (for example a stand-in latent engine).
    /// </summary>
    public static async Task<GatewayInstance> StartAsync(PostgresCluster cluster, IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;
        var dataDirectory = Directory.CreateTempSubdirectory("gateway-").FullName;
        var connectionString = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var overrides = new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = dataDirectory,
            ["Gateway:Http"] = "127.0.0.1:0",
            ["Gateway:DicomPort"] = "0",
            ["Gateway:AETitle"] = AETitle,
            ["Gateway:Postgres"] = connectionString,
            ["Gateway:NodeName"] = "test-node",

            // Tests that compare what they stored with what is archived must find the originals: compression is
            // on only where a test asks for it ("Compression:Enabled" = "true").
            ["Gateway:Compression:Enabled"] = "false",

            // Jobs due at once: tests wait for the queue, not for the production default's ingest-burst delay.
            ["Gateway:JobDelaySeconds"] = "0",

            // Tests that compare page figures with PostgreSQL right after a change must get new figures, not the
            // snapshot from before it (docs/console.md, "How fresh the figures are").
            ["Gateway:Console:FiguresMaxAgeSeconds"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides["Gateway:" + key] = value;
        }

        var app = GatewayHost.Build(overrides, configure);
        await app.StartAsync(cancellationToken);
        return new GatewayInstance(app, overrides, configure, dataDirectory, connectionString);
    }

    /// <summary>
    /// Stops this gateway and starts a new one with the same settings, database and data folder (as a restart of
    /// `gateway serve` would, on new ports); the new one owns the folder, this one is done.
    /// </summary>
    public async Task<GatewayInstance> RestartAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _handedOver = true;
        var app = GatewayHost.Build(_overrides, _configure);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new GatewayInstance(app, _overrides, _configure, DataDirectory, ConnectionString);
    }

    /// <summary>A data source on the gateway's database, for checks of what it indexed.</summary>
    public NpgsqlDataSource OpenDatabase() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>Rows of a query, each as its columns' text ("" for null).</summary>
    public async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var database = OpenDatabase();
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!)]);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }

        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
