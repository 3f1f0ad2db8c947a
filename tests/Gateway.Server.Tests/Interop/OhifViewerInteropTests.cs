using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// The OHIF viewer 3.13.2 (the prebuilt app of the npm @ohif/app tarball) on the gateway's DICOMweb root, in headless
/// Chromium: the viewer page of a study stored with storescu must fetch its metadata and every frame from the gateway
/// and paint the image into the viewport.
/// </summary>
public sealed class OhifViewerInteropTests(PostgresCluster cluster)
{
    private const int Width = 1400;
    private const int Height = 900;

    /// <summary>The middle of OHIF's single viewport at 1400 x 900 (left of it the study browser, above it the toolbar and hints).</summary>
    private static readonly (int, int, int, int) ViewportBox = (480, 200, 1120, 760);

    [Fact]
    public async Task Ohif_viewer_shows_a_study_from_the_gateway_in_headless_chromium()
    {
        var files = InteropFiles.MrSlices(6);
        var facts = InteropOracle.Describe(files);
        var study = facts[files[0]].StudyInstanceUID;
        var site = PeerInstallation.RequireOhifSite();
        var chromium = PeerInstallation.RequireChromium();
        PeerInstallation.RequireNodeModules();
        var cancellationToken = TestContext.Current.CancellationToken;

        // The OHIF site forwards /dicomweb to the gateway with its own Host header, so the BulkDataURIs name the site:
        // the gateway believes that header only from a trusted proxy.
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["TrustedProxies:0"] = "127.0.0.1" });
        ExternalTool.RunChecked(
            "storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");

        var folder = Directory.CreateTempSubdirectory("gateway-ohif-").FullName;
        try
        {
            var log = Path.Combine(folder, "requests.jsonl");
            var port = PeerProcess.FreeLoopbackPort();
            var origin = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            await using (var server = PeerProcess.Start(
                             "/usr/bin/node",
                             [NodeScript.PathOf("ohif-site.js"), port.ToString(CultureInfo.InvariantCulture), site, new Uri(gateway.BaseAddress, "dicomweb").AbsoluteUri, log], "nodejs"))
            {
                await server.WaitUntilAnsweringAsync(new Uri(origin, "app-config.js"), TimeSpan.FromSeconds(30), cancellationToken);
                var screenshot = Path.Combine(folder, "viewer.png");
                var (exitCode, _, error) = ExternalTool.Run(
                    chromium,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--no-first-run", "--user-data-dir=" + Path.Combine(folder, "profile"), $"--window-size={Width},{Height}",
                        "--virtual-time-budget=60000", "--screenshot=" + screenshot, new Uri(origin, "viewer?StudyInstanceUIDs=" + study).AbsoluteUri,
                    ],
                    "chromium",
                    timeout: TimeSpan.FromMinutes(3));
                Assert.True(exitCode == 0 && File.Exists(screenshot), $"chromium exited with {exitCode} without a screenshot:\n{error}");

                var requests = File.Exists(log)
                    ? (await File.ReadAllLinesAsync(log, cancellationToken)).Select(line => JsonNode.Parse(line)!).ToList()
                    : [];
                var checks = new InteropChecks();
                checks.Check(requests.Any(r => Answered(r) && UrlPath(r).EndsWith($"/series/{facts[files[0]].SeriesInstanceUID}/metadata", StringComparison.Ordinal)),
                    "OHIF did not get the series metadata from the gateway");
                foreach (var instance in facts.Values)
                {
                    checks.Check(requests.Any(r => Answered(r) && UrlPath(r).Contains($"/instances/{instance.SOPInstanceUID}/frames/1", StringComparison.Ordinal)),
                        $"OHIF did not get frame 1 of {instance.SOPInstanceUID} from the gateway");
                }

                var image = InteropOracle.Image(screenshot, ViewportBox);
                checks.Equal($"PNG {Width}x{Height}", $"{image.Format} {image.Width}x{image.Height}", "screenshot");
                // A painted MR slice fills most of the viewport with mid-grey tissue; OHIF's error text and hints on black
                // ("One or more of the studies are not available") leave it 99 % dark.
                checks.Check(image.BrightFraction > 0.2 && image.StdDev > 10,
                    $"the viewport of the screenshot shows no image ({image.BrightFraction:P1} of it brighter than 60/255, grey-level standard deviation {image.StdDev:F1})");
                checks.AssertAllPassed(() =>
                {
                    var kept = Path.Combine(Path.GetTempPath(), "gateway-ohif-viewer-failed.png");
                    File.Copy(screenshot, kept, overwrite: true);
                    return $"screenshot kept at {kept}; requests OHIF made through the site:\n" + string.Join('\n', requests.Select(r => r.ToJsonString()));
                });
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool Answered(JsonNode request) => request["status"]?.GetValue<int>() == 200;

    private static string UrlPath(JsonNode request) => request["url"]!.GetValue<string>().Split('?')[0];
}
