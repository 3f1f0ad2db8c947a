using System.Net;
using System.Text.Json;

namespace Gateway.Server.Tests.Operations;

/// <summary>
/// Issue 13 point 10: set-up traps. A published build finds its models from any folder; a missing model of the policy
/// makes the gateway not ready with the reason; --data on a folder only root may enter (mktemp -d) works, and one
/// below such a folder fails with the exact fix; GET / says what this is and where to go.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SetupTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Point10_a_published_build_started_from_another_folder_finds_its_models()
    {
        var publish = Directory.CreateTempSubdirectory("gateway-publish-").FullName;
        var elsewhere = Directory.CreateTempSubdirectory("gateway-elsewhere-").FullName;
        try
        {
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            ExternalTool.RunChecked("dotnet", ["publish", Path.Combine(TestData.RepositoryRoot, "src", "Gateway.Server"), "-c", configuration, "--no-build", "-nologo", "-v", "quiet", "-o", publish], "dotnet");
            Assert.False(File.Exists(Path.Combine(publish, "onnx-models", "compact-f16-c2", "weights.pt")), "the trainer's weights are not needed to serve");

            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { Path.Combine(publish, "gateway.dll"), "models", "list" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var cancellationToken = TestContext.Current.CancellationToken;
            var readOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var readError = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var (output, error) = (await readOutput, await readError);
            Assert.True(process.ExitCode == 0, $"gateway models list failed ({process.ExitCode}): {error}");
            Assert.Contains("compact-f16-c2  f=", output, StringComparison.Ordinal);
            Assert.Contains("sha256 ok", output, StringComparison.Ordinal);
            Assert.DoesNotContain("MISMATCH", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(publish, recursive: true);
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Point10_a_missing_default_model_makes_the_gateway_not_ready_with_the_reason_but_it_still_stores()
    {
        var file = TestData.RequireSharedData(GatewayChecks.CtFile);
        var emptyModels = Directory.CreateTempSubdirectory("gateway-no-models-").FullName;
        try
        {
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Compression:Enabled"] = "true",
                ["Models:Directory"] = emptyModels,
            });
            var (status, body) = await GatewayChecks.ReadyAsync(gateway);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("model compact-f16-c2 is not loaded", body, StringComparison.Ordinal);
            Assert.Contains("Gateway:Models:Directory", body, StringComparison.Ordinal);

            // Degraded, not down: instances are still taken in (stored lossless).
            var store = GatewayChecks.Store(gateway, file);
            Assert.True(store.ExitCode == 0, store.Output);
        }
        finally
        {
            Directory.Delete(emptyModels, recursive: true);
        }
    }

    [Fact]
    public async Task Point10_data_on_a_mktemp_folder_only_root_may_enter_runs_the_embedded_postgres()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("the embedded PostgreSQL runs as the postgres user only when the gateway runs as root");
        }

        var data = ExternalTool.RunChecked("mktemp", ["-d"], "coreutils").Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Postgres"] = string.Empty, ["DataDirectory"] = data });
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await GatewayChecks.ReadyAsync(gateway)).Status);

            // Only "enter" was added for others (0701), not "list".
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute, File.GetUnixFileMode(data));
        }
        finally
        {
            await gateway.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Point10_data_below_a_folder_the_postgres_user_cannot_enter_fails_saying_exactly_what_to_change()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("the embedded PostgreSQL runs as the postgres user only when the gateway runs as root");
        }

        var closed = ExternalTool.RunChecked("mktemp", ["-d"], "coreutils").Trim();
        try
        {
            var exception = await Assert.ThrowsAnyAsync<Exception>(() => GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Postgres"] = string.Empty,
                ["DataDirectory"] = Path.Combine(closed, "gateway"),
            }));
            Assert.Contains($"cannot enter {closed} (mode 0700)", exception.Message, StringComparison.Ordinal);
            Assert.Contains($"chmod o+x {closed}", exception.Message, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(closed));
        }
        finally
        {
            Directory.Delete(closed, recursive: true);
        }
    }

    [Fact]
    public async Task Point10_GET_root_names_the_service_and_links_DICOMweb_health_and_the_API()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;
        using var response = await gateway.Http.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = document.RootElement;
        Assert.Equal("MedVAE Gateway", root.GetProperty("service").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal(GatewayInstance.AETitle, root.GetProperty("dicom").GetProperty("aeTitle").GetString());
        Assert.Equal(gateway.DicomPort, root.GetProperty("dicom").GetProperty("port").GetInt32());

        // Every link it gives answers.
        var links = new[] { root.GetProperty("dicomweb").GetProperty("studies").GetString()! }
            .Concat(root.GetProperty("links").EnumerateObject().Select(link => link.Value.GetString()!));
        foreach (var link in links)
        {
            Assert.StartsWith(gateway.BaseAddress.ToString().TrimEnd('/'), link, StringComparison.Ordinal);
            using var linked = await gateway.Http.GetAsync(new Uri(link), cancellationToken);
            Assert.True(linked.IsSuccessStatusCode, $"{link}: {linked.StatusCode}");
        }
    }
}
