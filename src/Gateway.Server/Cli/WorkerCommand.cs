using System.CommandLine;
using System.Globalization;
using Gateway.Server.Hosting;

namespace Gateway.Server.Cli;

/// <summary>
/// `gateway worker`: queue workers only (compress, series, verify, retire jobs) against the PostgreSQL and object store
/// that the `serve` nodes use; no DICOM or DICOMweb listener. Its one HTTP port is a management port (Gateway:Management:Url,
/// else Gateway:Http's address): /health/live, /health/ready and /metrics without a token, for probes and Prometheus.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var postgres = new Option<string>("--postgres") { Description = "The PostgreSQL the gateway nodes share (Npgsql connection string); required unless Gateway:Postgres is set." };
        var data = new Option<string?>("--data") { Description = "Data folder of this worker (default ./data): its spool and caches; objects live in the shared object store." };
        var management = new Option<string?>("--management") { Description = "HOST:PORT for /metrics and the health checks, nothing else (default Gateway:Http, 127.0.0.1:8080)." };
        var workers = new Option<int?>("--workers") { Description = "Queue workers in this process (default Gateway:JobWorkers, 2)." };
        var command = new Command("worker", "Run queue workers only, no listeners, against a shared PostgreSQL (Ctrl-C stops it).")
        {
            postgres, data, management, workers,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?> { [GatewayOptions.SectionName + ":Listeners"] = "false" };
            ServeCommand.Add(overrides, "Postgres", result.GetValue(postgres));
            ServeCommand.Add(overrides, "DataDirectory", result.GetValue(data));
            ServeCommand.Add(overrides, "Management:Url", result.GetValue(management));
            ServeCommand.Add(overrides, "JobWorkers", result.GetValue(workers)?.ToString(CultureInfo.InvariantCulture));
            await using var app = GatewayHost.Build(overrides);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
