using System.Net;
using Gateway.Core.Archive;
using Gateway.Core.Audit;
using Gateway.Core.Query;
using Gateway.Core.Retrieve;
using Gateway.Dicom.Network;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Dimse;

/// <summary>Runs the DICOM server (port 11112, AE GATEWAY by default) for as long as the gateway runs.</summary>
public sealed class DicomListener(
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
        var peers = PeerList.Parse(settings.Peers);
        var serverOptions = new DicomServerOptions
        {
            AETitle = settings.AETitle,
            Port = settings.DicomPort,
            BindAddress = IPAddress.Parse(settings.DicomBindAddress),
            KnownPeers = peers,
            RestrictCallingAETitles = settings.RestrictCallingAETitles,
            MaxAssociations = settings.DicomMaxAssociations,
            MaxAssociationsPerAddress = settings.DicomMaxAssociationsPerAddress,
            Association = DicomAssociationOptions.Default with { ArtimTimeout = TimeSpan.FromSeconds(settings.DicomAssociationRequestTimeoutSeconds) },
            Unavailable = () => readiness.Current is { CanStore: false } report ? report.Summary : null,
        };
        _server = new DicomServer(serverOptions, _ => new GatewayDicomProvider(ingest, queries, retrieve, audit, peers), logger);
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
}
