using System.CommandLine;
using Gateway.Server.Hosting;
using Gateway.Server.Security;

namespace Gateway.Server.Cli;

/// <summary>`gateway serve`: the archive with its DICOM and HTTP listeners, on the embedded defaults unless told otherwise.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data folder (default ./data): embedded PostgreSQL, objects, spool." };
        var http = new Option<string?>("--http") { Description = "HTTP listen address HOST:PORT (default 127.0.0.1:8080)." };
        var dicomPort = new Option<int?>("--dicom-port") { Description = "DICOM port (default 11112)." };
        var aeTitle = new Option<string?>("--ae") { Description = "DICOM AE title (default GATEWAY)." };
        var postgres = new Option<string?>("--postgres") { Description = "Use this PostgreSQL (Npgsql connection string) instead of the embedded one." };
        var https = new Option<string?>("--https") { Description = "HTTPS listen address HOST:PORT (e.g. 0.0.0.0:8443), beside --http; needs --https-cert." };
        var httpsCertificate = new Option<string?>("--https-cert") { Description = "HTTPS certificate (PEM, with any intermediates after it); reloaded when the file changes." };
        var httpsKey = new Option<string?>("--https-key") { Description = "HTTPS private key (PEM); omit when it is in the --https-cert file." };
        var management = new Option<string?>("--management") { Description = "Management port HOST:PORT (e.g. 127.0.0.1:9100): /metrics and health checks without a token, nothing else." };
        var insecure = new Option<bool>("--insecure") { Description = "Serve a non-loopback HTTP address without authentication (anyone who reaches it may read and store)." };
        var noWorkers = new Option<bool>("--no-workers") { Description = "Listeners only: receive, query and retrieve, run no queue workers (`gateway worker` nodes compress)." };
        var command = new Command("serve", "Run the gateway: DICOM C-STORE/Q/R, DICOMweb, dashboard (Ctrl-C stops it).")
        {
            data, http, https, httpsCertificate, httpsKey, management, dicomPort, aeTitle, postgres, insecure, noWorkers,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            Add(overrides, "DataDirectory", result.GetValue(data));
            Add(overrides, "Http", result.GetValue(http));
            Add(overrides, "DicomPort", result.GetValue(dicomPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(overrides, "AETitle", result.GetValue(aeTitle));
            Add(overrides, "Postgres", result.GetValue(postgres));
            Add(overrides, "Https:Url", result.GetValue(https));
            Add(overrides, "Https:CertificateFile", result.GetValue(httpsCertificate));
            Add(overrides, "Https:KeyFile", result.GetValue(httpsKey));
            Add(overrides, "Management:Url", result.GetValue(management));
            if (result.GetValue(insecure))
            {
                overrides[SecurityOptions.SectionName + ":Insecure"] = "true";
            }

            if (result.GetValue(noWorkers))
            {
                Add(overrides, "JobWorkers", "0");
            }

            WebApplication app;
            try
            {
                app = GatewayHost.Build(overrides);
            }
            catch (InsecureBindException refused)
            {
                await Console.Error.WriteLineAsync("gateway serve: " + refused.Message);
                return 2;
            }

            await using (app)
            {
                await app.RunAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Sets Gateway:<paramref name="key"/> when a flag gave a value.</summary>
    internal static void Add(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[$"{GatewayOptions.SectionName}:{key}"] = value;
        }
    }
}
