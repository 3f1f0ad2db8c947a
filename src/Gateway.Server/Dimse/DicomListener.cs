using System.Net;
using Gateway.Core.Archive;
using Gateway.Core.Audit;
using Gateway.Core.Query;
using Gateway.Core.Retrieve;
using Gateway.Dicom.Network;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Dimse;

/// <summary>
/// Runs the DICOM server (port 11112, AE GATEWAY by default) for as long as the gateway runs, with the AE allow-list
/// and permissions of Gateway:Peers (with their client certificate bindings) and the DICOM TLS of Gateway:DicomTls,
/// which also serves the C-MOVE associations to peers that ask for TLS.
/// </summary>
public sealed partial class DicomListener(
    IOptions<GatewayOptions> options,
    IngestService ingest,
    ArchiveQueryService queries,
    RetrieveService retrieve,
    IAuditTrail audit,
    GatewayReadiness readiness,
    ILogger<DicomServer> logger) : IHostedService, IAsyncDisposable
{
    private DicomServer? _server;

    public int Port => _server?.Port ?? options.Value.DicomPort;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Listeners)
        {
            Log.Off(logger, settings.JobWorkers);
            return Task.CompletedTask;
        }

        var destinations = PeerList.Destinations(settings.Peers, DicomTlsCertificates.LoadClient(settings.DicomTls));
        if (!settings.AllowListOn)
        {
            Log.AllowListOff(logger, settings.Peers.Count);
        }

        var serverOptions = new DicomServerOptions
        {
            AETitle = settings.AETitle,
            Port = settings.DicomPort,
            BindAddress = IPAddress.Parse(settings.DicomBindAddress),
            AllowedCallers = settings.AllowListOn ? PeerList.Callers(settings.Peers) : null,
            Tls = DicomTlsCertificates.Load(settings.DicomTls),
            MaxAssociations = settings.DicomMaxAssociations,
            MaxAssociationsPerAddress = settings.DicomMaxAssociationsPerAddress,
            Association = DicomAssociationOptions.Default with { ArtimTimeout = TimeSpan.FromSeconds(settings.DicomAssociationRequestTimeoutSeconds) },
            Unavailable = () => readiness.Current is { CanStore: false } report ? report.Summary : null,
        };
        _server = new DicomServer(serverOptions, _ => new GatewayDicomProvider(ingest, queries, retrieve, audit, destinations), logger);
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7733, Level = LogLevel.Warning, Message = "DICOM AE allow-list off ({Peers} peers configured, Gateway:RestrictCallingAETitles): any calling AE title may store, query and retrieve")]
        public static partial void AllowListOff(ILogger logger, int peers);

        [LoggerMessage(EventId = 7952, Level = LogLevel.Information, Message = "Worker node (gateway worker): no DICOM or DICOMweb listener, {Workers} queue workers, health checks and /metrics on the management port")]
        public static partial void Off(ILogger logger, int workers);
    }
}
