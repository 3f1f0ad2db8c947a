using System.Globalization;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// A gateway and an Orthanc that know each other: Orthanc has the gateway as DICOMweb server "gateway" (and
/// "gateway-unchunked") and as DICOM modality "gateway"; the gateway has Orthanc's AE title as a C-MOVE destination.
/// </summary>
internal sealed class OrthancPeerSession : IAsyncDisposable
{
    private OrthancPeerSession(GatewayInstance gateway, OrthancServer orthanc)
    {
        Gateway = gateway;
        Orthanc = orthanc;
    }

    public GatewayInstance Gateway { get; }

    public OrthancServer Orthanc { get; }

    public static async Task<OrthancPeerSession> StartAsync(PostgresCluster cluster, CancellationToken cancellationToken)
    {
        PeerInstallation.RequireOrthanc();
        var ports = OrthancServer.ReservePorts();
        var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Peers:0"] = $"{OrthancServer.AETitle}=127.0.0.1:{ports.Dicom.ToString(CultureInfo.InvariantCulture)}",
            ["RestrictCallingAETitles"] = "false",
        });
        try
        {
            var orthanc = await OrthancServer.StartAsync(
                ports, new Uri(gateway.BaseAddress, "dicomweb/"), GatewayInstance.AETitle, gateway.DicomPort, cancellationToken);
            return new OrthancPeerSession(gateway, orthanc);
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends files to the gateway with DCMTK storescu (one association); extra options such as -xt choose the proposals.</summary>
    public void StoreWithStorescu(IEnumerable<string> files, params string[] options) =>
        ExternalTool.RunChecked(
            "storescu",
            [.. options, "-aet", "MODALITY", "-aec", GatewayInstance.AETitle, "127.0.0.1", Gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. files],
            "dcmtk");

    /// <summary>The SOP Instance UIDs the gateway's index holds as stored.</summary>
    public async Task<IReadOnlyList<string>> StoredSopInstanceUidsAsync(CancellationToken cancellationToken)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand("select sop_instance_uid from instances where state = 'stored'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var uids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            uids.Add(reader.GetString(0));
        }

        return uids;
    }

    public async ValueTask DisposeAsync()
    {
        await Orthanc.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
