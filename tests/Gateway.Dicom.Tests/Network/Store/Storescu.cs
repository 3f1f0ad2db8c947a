using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Dicom.Tests.Network;

/// <summary>How storescu proposes transfer syntaxes.</summary>
internal enum Proposal
{
    /// <summary><c>-xi</c>: Implicit VR Little Endian only.</summary>
    Implicit,

    /// <summary><c>-xe</c>: the uncompressed syntaxes, Explicit VR Little Endian first.</summary>
    Explicit,

    /// <summary><c>-xf</c>: a profile with a context per compressed syntax of the files (see <see cref="StorescuConfig"/>).</summary>
    Compressed,
}

/// <summary>Runs DCMTK storescu and checks that it stored every file.</summary>
internal static partial class Storescu
{
    /// <summary>Nagle's algorithm off in DCMTK (its TCP_NODELAY variable); otherwise every store waits for a delayed ACK.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoDelay = new Dictionary<string, string> { ["TCP_NODELAY"] = "1" };

    public static List<string> Arguments(Proposal proposal, string? requestorConfig, string calledAE, int port, IEnumerable<InteropFile> files, params string[] extra)
    {
        List<string> arguments = ["-v", "-aet", "STORESCU", "-aec", calledAE];
        arguments.AddRange(proposal switch
        {
            // -R: contexts for the SOP classes of the files only (storescu's own list lacks some, e.g. retired US).
            Proposal.Implicit => ["-xi", "-R"],
            Proposal.Explicit => ["-xe", "-R"],
            _ => ["-xf", requestorConfig ?? throw new ArgumentNullException(nameof(requestorConfig)), StorescuConfig.Profile],
        });
        arguments.AddRange(extra);
        arguments.Add("127.0.0.1");
        arguments.Add(port.ToString(CultureInfo.InvariantCulture));
        arguments.AddRange(files.Select(file => file.Path));
        return arguments;
    }

    public static async Task<string> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output) = await PeerProcess.RunAsync("storescu", arguments, "dcmtk", environment);
        Assert.True(exitCode == 0, $"storescu exited with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>storescu's log shows a Success response for each file and no error.</summary>
    public static void AssertAllSucceeded(string output, int count)
    {
        var errors = output.Split('\n').Where(line => line.StartsWith("E:", StringComparison.Ordinal) || line.StartsWith("F:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "storescu reported:\n" + string.Join('\n', errors));
        Assert.Equal(count, SuccessResponse().Count(output));
    }

    [GeneratedRegex(@"Received Store Response \(Success\)")]
    private static partial Regex SuccessResponse();
}
