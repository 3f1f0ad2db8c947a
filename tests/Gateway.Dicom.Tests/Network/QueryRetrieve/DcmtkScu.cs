using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>What a DCMTK SCU reported: the final DIMSE status, the pending responses and the log.</summary>
internal sealed record ScuResult(int ExitCode, ushort? FinalStatus, int PendingResponses, string Log)
{
    /// <summary>The responses of a C-FIND (findscu -Xs): per response, element keyword to value as DCMTK wrote it (text in UTF-8).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Responses { get; init; } = [];

    /// <summary>Fails with the end of the tool's log unless the final status is <paramref name="expected"/>.</summary>
    public void AssertFinalStatus(ushort expected)
    {
        if (FinalStatus != expected)
        {
            Assert.Fail($"Expected final status {expected:X4}, got {(FinalStatus is { } status ? status.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) : "none")}; the log ends:\n{Log[^Math.Min(4000, Log.Length)..]}");
        }
    }
}

/// <summary>Runs findscu, movescu and getscu in debug mode against a server and reads what they report.</summary>
internal static partial class DcmtkScu
{
    /// <summary>C-FIND with findscu; <paramref name="keys"/> are findscu -k arguments (e.g. "PatientName=A*").</summary>
    public static ScuResult Find(ArchiveNode server, string model, IEnumerable<string> keys, params string[] options)
    {
        var xml = Path.Combine(server.NewFolder("find"), "responses.xml");
        var result = Run("findscu", server, model, keys, ["-Xs", xml, .. options]);
        var responses = File.Exists(xml)
            ? XDocument.Load(xml).Root!.Elements("data-set").Select(ReadDataSet).ToList()
            : [];
        return result with { Responses = responses };
    }

    /// <summary>C-FIND with findscu writing each response as a DICOM file (rsp0001.dcm, ...) to <paramref name="folder"/>.</summary>
    public static ScuResult FindToFiles(ArchiveNode server, string model, string folder, IEnumerable<string> keys) =>
        Run("findscu", server, model, keys, ["-X", "-od", folder]);

    /// <summary>C-MOVE with movescu to <paramref name="destination"/>.</summary>
    public static ScuResult Move(ArchiveNode server, string model, string destination, IEnumerable<string> keys, params string[] options) =>
        Run("movescu", server, model, keys, ["-aem", destination, .. options]);

    /// <summary>C-GET with getscu (its default storage proposals, SCP role), writing what arrives to <paramref name="folder"/>.</summary>
    public static ScuResult Get(ArchiveNode server, string model, string folder, IEnumerable<string> keys) =>
        Run("getscu", server, model, keys, ["-od", folder]);

    private static ScuResult Run(string program, ArchiveNode server, string model, IEnumerable<string> keys, string[] options)
    {
        // -d prints every response command, status included; -td bounds the wait for each response, so a server
        // that never answers makes the tool fail instead of hanging the test.
        string[] arguments =
        [
            "-d", model, "-aec", server.AETitle, "-td", "20", .. options,
            .. keys.SelectMany(key => new[] { "-k", key }),
            "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture),
        ];
        var (exitCode, log) = DcmtkPeer.Run(program, arguments);
        var statuses = StatusLine().Matches(log).Select(match => ushort.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
        ushort? final = statuses.Count > 0 && statuses[^1] is not (0xFF00 or 0xFF01) ? statuses[^1] : null;
        return new ScuResult(exitCode, final, statuses.Count(status => status is 0xFF00 or 0xFF01), log);
    }

    private static Dictionary<string, string> ReadDataSet(XElement dataSet) =>
        dataSet.Elements("element").ToDictionary(element => (string)element.Attribute("name")!, element => element.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"DIMSE Status\s*:\s*0x([0-9a-fA-F]{4})")]
    private static partial Regex StatusLine();
}
