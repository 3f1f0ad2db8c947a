using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Server.Tests.Security;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// The OHIF viewer 3.13.2 (the prebuilt app of the npm @ohif/app tarball) on the gateway's DICOMweb root, in headless
/// Chromium: the viewer page of a study stored with storescu must fetch its metadata and every frame from the gateway
/// and paint the image into the viewport; with authentication on, only when the viewer sends a bearer token.
/// </summary>
public sealed class OhifViewerInteropTests(PostgresCluster cluster)
{
    private const int Width = 1400;
    private const int Height = 900;

    /// <summary>The middle of OHIF's single viewport at 1400 x 900 (left of it the study browser, above it the toolbar and hints).</summary>
    private static readonly (int, int, int, int) ViewportBox = (480, 200, 1120, 760);

    // The OHIF site forwards /dicomweb to the gateway with its own Host header, so the BulkDataURIs name the site:
    // the gateway believes that header only from a trusted proxy.
    private static readonly Dictionary<string, string?> BehindTheSite = new() { ["TrustedProxies:0"] = "127.0.0.1" };

    [Fact]
    public async Task Ohif_viewer_shows_a_study_from_the_gateway_in_headless_chromium()
    {
        var files = InteropFiles.MrSlices(6);
        await using var gateway = await GatewayInstance.StartAsync(cluster, BehindTheSite);
        var viewer = await ShowAsync(gateway, files, token: null);
        viewer.Checks.AssertAllPassed(viewer.Context);
    }

    [Fact]
    public async Task Ohif_viewer_with_a_bearer_token_from_oidc_provider_shows_a_study_from_a_gateway_requiring_authentication_and_without_it_gets_401()
    {
        var files = InteropFiles.MrSlices(6);
        await using var secured = await SecuredGateway.StartAsync(cluster, BehindTheSite);
        var token = await secured.Provider.TokenAsync(SecuredGateway.Viewer);

        // OHIF takes a token from its URL (?token=) and sends it as "Authorization: Bearer" with every DICOMweb request.
        var signedIn = await ShowAsync(secured.Gateway, files, token);
        signedIn.Checks.Check(signedIn.Requests.Count > 0 && signedIn.Requests.All(request => request["authorization"]?.GetValue<string>() == "Bearer " + token),
            "not every request OHIF made carried the token as a bearer token");
        signedIn.Checks.AssertAllPassed(signedIn.Context);

        // Without the token the gateway answers OHIF's requests 401 and the viewport stays dark.
        var anonymous = await ShowAsync(secured.Gateway, files, token: null);
        var checks = new InteropChecks();
        checks.Check(anonymous.Requests.Count > 0, "OHIF made no DICOMweb request without a token");
        checks.Check(anonymous.Requests.All(request => request["status"]?.GetValue<int>() == 401), "a request without a token was not answered 401");
        checks.Check(anonymous.Image.BrightFraction < 0.05, $"the viewport shows an image without a token ({anonymous.Image.BrightFraction:P1} of it bright)");
        checks.AssertAllPassed(anonymous.Context);
    }

    /// <summary>
    /// Stores <paramref name="files"/> with storescu, serves OHIF on its own origin in front of the gateway and opens
    /// the study's viewer page in headless Chromium (with <paramref name="token"/> in its URL when given); checks
    /// that OHIF got the metadata and every frame and painted the viewport (the checks are left to the caller to assert).
    /// </summary>
    private static async Task<Viewed> ShowAsync(GatewayInstance gateway, IReadOnlyList<string> files, string? token)
    {
        var facts = InteropOracle.Describe(files);
        var study = facts[files[0]].StudyInstanceUID;
        var site = PeerInstallation.RequireOhifSite();
        var chromium = PeerInstallation.RequireChromium();
        PeerInstallation.RequireNodeModules();
        var cancellationToken = TestContext.Current.CancellationToken;
        ExternalTool.RunChecked(
            "storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");

        var folder = Directory.CreateTempSubdirectory("gateway-ohif-").FullName;
        try
        {
            var log = Path.Combine(folder, "requests.jsonl");
            var port = PeerProcess.FreeLoopbackPort();
            var origin = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            var screenshot = Path.Combine(folder, "viewer.png");
            await using (var server = PeerProcess.Start(
                             "/usr/bin/node",
                             [NodeScript.PathOf("ohif-site.js"), port.ToString(CultureInfo.InvariantCulture), site, new Uri(gateway.BaseAddress, "dicomweb").AbsoluteUri, log], "nodejs"))
            {
                await server.WaitUntilAnsweringAsync(new Uri(origin, "app-config.js"), TimeSpan.FromSeconds(30), cancellationToken);
                var page = "viewer?StudyInstanceUIDs=" + study + (token is null ? string.Empty : "&token=" + Uri.EscapeDataString(token));
                var (exitCode, _, error) = ExternalTool.Run(
                    chromium,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--no-first-run", "--user-data-dir=" + Path.Combine(folder, "profile"), $"--window-size={Width},{Height}",
                        "--virtual-time-budget=60000", "--screenshot=" + screenshot, new Uri(origin, page).AbsoluteUri,
                    ],
                    "chromium",
                    timeout: TimeSpan.FromMinutes(3));
                Assert.True(exitCode == 0 && File.Exists(screenshot), $"chromium exited with {exitCode} without a screenshot:\n{error}");
            }

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
            var png = await File.ReadAllBytesAsync(screenshot, cancellationToken);
            return new Viewed(requests, image, checks, () =>
            {
                var kept = Path.Combine(Path.GetTempPath(), $"gateway-ohif-viewer-{(token is null ? "anonymous" : "token")}-failed.png");
                File.WriteAllBytes(kept, png);
                return $"screenshot kept at {kept}; requests OHIF made through the site:\n" + string.Join('\n', requests.Select(r => r.ToJsonString()));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool Answered(JsonNode request) => request["status"]?.GetValue<int>() == 200;

    private static string UrlPath(JsonNode request) => request["url"]!.GetValue<string>().Split('?')[0];

    /// <summary>What one viewer page did: the DICOMweb requests it made through the site, its viewport, and the checks of a shown study.</summary>
    private sealed record Viewed(IReadOnlyList<JsonNode> Requests, ImageFacts Image, InteropChecks Checks, Func<string> Context);
}
