using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Server.Tests.Interop;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>Runs a browser script of this folder (Playwright on Debian's Chromium) with a plan and returns what it saw.</summary>
internal static class ConsoleBrowser
{
    private static readonly JsonSerializerOptions PlanOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Where the committed screenshots of the pages go (docs/console/).</summary>
    public static string ScreenshotFolder => Path.Combine(TestData.RepositoryRoot, "docs", "console");

    public sealed record Page(string Name, string Path, string Screenshot);

    /// <summary>A compare page to visit: its images' screenshots go to <paramref name="Folder"/> as ID.png.</summary>
    public sealed record Compare(string Name, string Path, string Folder, string? Screenshot);

    public sealed record Plan(string Base, string Password, string ViewerKey, bool Access = false, IReadOnlyList<Page>? Pages = null, long? Job = null, IReadOnlyList<Compare>? Compare = null);

    public static Task<JsonObject> RunAsync(Plan plan) => RunAsync(plan, "console-browser.mjs");

    /// <summary>Runs <paramref name="script"/> with <paramref name="plan"/> (serialised in camelCase, plus the modules, Chromium and output file).</summary>
    public static async Task<JsonObject> RunAsync(object plan, string script)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var modules = PeerInstallation.RequirePlaywrightModules();
        var chromium = PeerInstallation.RequireChromium();
        var folder = Directory.CreateTempSubdirectory("gateway-console-").FullName;
        try
        {
            var file = System.IO.Path.Combine(folder, "plan.json");
            var full = JsonSerializer.SerializeToNode(plan, plan.GetType(), PlanOptions)!.AsObject();
            full["modules"] = modules;
            full["chromium"] = chromium;
            var seen = System.IO.Path.Combine(folder, "seen.json");
            full["output"] = seen;
            await File.WriteAllTextAsync(file, full.ToJsonString(), TestContext.Current.CancellationToken);
            var path = System.IO.Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Server.Tests", "AdminConsole", script);
            var (exitCode, output) = await PeerProcess.RunAsync("/usr/bin/node", [path, file], "nodejs", timeout: TimeSpan.FromMinutes(3));
            Assert.True(exitCode == 0, $"{script} exited with {exitCode}:\n{output}");
            return JsonNode.Parse(await File.ReadAllTextAsync(seen, TestContext.Current.CancellationToken))!.AsObject();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
