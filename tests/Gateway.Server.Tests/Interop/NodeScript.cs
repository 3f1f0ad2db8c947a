using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Interop;

/// <summary>Runs the node scripts of this folder with the npm peers of scripts/install-peers.sh on NODE_PATH.</summary>
internal static class NodeScript
{
    private static readonly JsonSerializerOptions PlanOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathOf(string script) => Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Server.Tests", "Interop", script);

    /// <summary>Runs dicomweb-client-check.js with <paramref name="plan"/> (serialised in camelCase) and returns its JSON results.</summary>
    public static async Task<JsonObject> RunPlanAsync(object plan, string folder, CancellationToken cancellationToken)
    {
        var modules = PeerInstallation.RequireNodeModules();
        var planFile = Path.Combine(folder, "plan.json");
        await File.WriteAllTextAsync(planFile, JsonSerializer.Serialize(plan, PlanOptions), cancellationToken);

        var start = new ProcessStartInfo("/usr/bin/node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PathOf("dicomweb-client-check.js"));
        start.ArgumentList.Add(planFile);
        start.Environment["NODE_PATH"] = modules;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        Assert.True(process.ExitCode == 0, $"node dicomweb-client-check.js exited with {process.ExitCode}:\n{await error}");
        return JsonNode.Parse(await output)!.AsObject();
    }
}
