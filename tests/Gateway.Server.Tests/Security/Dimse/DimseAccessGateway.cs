using System.Globalization;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Security.Dimse;

/// <summary>
/// A gateway with an AE allow-list and one instance stored, and a DCMTK storescp as the C-MOVE destination ARCHIVE.
/// The peers, as an operator would write them:
/// <list type="bullet">
/// <item>ARCHIVE=127.0.0.1:port (the one-line form: a move destination that may do everything, from that host);</item>
/// <item>OTHER=127.0.0.1:port (a move destination no one listens at);</item>
/// <item>MODALITY from 127.0.0.1 with Store only;</item>
/// <item>VIEWER from 127.0.0.1 with Query and Move, moving to ARCHIVE only;</item>
/// <item>FARAWAY, allowed only from 192.0.2.7.</item>
/// </list>
/// </summary>
public sealed class DimseAccessGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string Study = "1.2.826.0.1.3680043.8.498.16301";
    public const string Series = Study + ".1";
    public const string Sop = Study + ".1.1";

    private GatewayInstance? _gateway;
    private PeerProcess? _storescp;
    private string? _folder;

    private readonly LogCapture _logs = new();

    /// <summary>What the gateway logged so far: event id and message.</summary>
    public IReadOnlyList<(int EventId, string Message)> LogEntries => _logs.Entries;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("The gateway did not start.");

    public string Port => Gateway.DicomPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Where the storescp of ARCHIVE writes what it receives, a new file for each C-STORE.</summary>
    public string Received => Path.Combine(_folder!, "received");

    /// <summary>A copy of the CT file with the UIDs above.</summary>
    public string File => Path.Combine(_folder!, Sop + ".dcm");

    public string Scratch => _folder!;

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        _folder = Directory.CreateTempSubdirectory("dimse-access-").FullName;
        Directory.CreateDirectory(Received);
        GatewayChecks.CopyWithUids(TestData.RequireSharedData(GatewayChecks.CtFile), _folder, Study, Series, Sop);
        var archivePort = PeerProcess.FreeLoopbackPort();
        _storescp = PeerProcess.Start("storescp", ["-aet", "ARCHIVE", "+uf", "-od", Received, archivePort.ToString(CultureInfo.InvariantCulture)], "dcmtk");
        await _storescp.WaitForPortAsync(archivePort);
        _gateway = await GatewayInstance.StartAsync(
            cluster,
            new Dictionary<string, string?>
            {
                ["Peers:0"] = $"ARCHIVE=127.0.0.1:{archivePort}",
                ["Peers:1"] = $"OTHER=127.0.0.1:{PeerProcess.FreeLoopbackPort()}",
                ["Peers:2:AETitle"] = "MODALITY",
                ["Peers:2:Host"] = "127.0.0.1",
                ["Peers:2:Permissions:0"] = "Store",
                ["Peers:3:AETitle"] = "VIEWER",
                ["Peers:3:Host"] = "127.0.0.1",
                ["Peers:3:Permissions:0"] = "Query",
                ["Peers:3:Permissions:1"] = "Move",
                ["Peers:3:MoveDestinations:0"] = "ARCHIVE",
                ["Peers:4:AETitle"] = "FARAWAY",
                ["Peers:4:Host"] = "192.0.2.7",
                ["Peers:4:Permissions:0"] = "Store",
            },
            builder => builder.Logging.AddProvider(_logs));
    }

    /// <summary>Runs a DCMTK tool against the gateway as <paramref name="callingAE"/>; its exit code and everything it printed.</summary>
    public (int ExitCode, string Output) Dcmtk(string tool, string callingAE, string[] options, params string[] files)
    {
        var (exitCode, output, error) = ExternalTool.Run(
            tool, ["-v", "-aet", callingAE, "-aec", GatewayInstance.AETitle, .. options, "127.0.0.1", Port, .. files], "dcmtk", timeout: TimeSpan.FromSeconds(60));
        return (exitCode, output + error);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _storescp?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
