using System.Reflection;
using Gateway.Server.AdminConsole;
using Gateway.Server.DicomWeb.Retrieve;
using Gateway.Server.Dimse;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// GET /: where a new user lands. A browser (its Accept names text/html) is sent to the admin console at /console (which
/// asks an admin to sign in); anyone else gets the service, its version, the DICOMweb root, the DICOM node and the
/// admin links as JSON, as before the console existed.
/// </summary>
public static class RootEndpoint
{
    private static readonly string Version =
        typeof(RootEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static IEndpointRouteBuilder MapRoot(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/", (HttpRequest request, IOptions<GatewayOptions> options, DicomListener dicom) =>
        {
            if (ConsoleRequests.WantsHtml(request))
            {
                return Results.Redirect(ConsoleEndpoints.Root);
            }

            var settings = options.Value;
            var dicomWeb = DicomWebBaseUrl.Of(request, settings);
            var root = dicomWeb[..^"/dicomweb".Length];
            return Results.Json(new
            {
                service = "MedVAE Gateway",
                version = Version,
                description = "DICOM storage-compression gateway: C-STORE and STOW-RS in; QIDO-RS, WADO-RS, WADO-URI, C-FIND, C-MOVE and C-GET out.",
                dicomweb = new { root = dicomWeb, studies = dicomWeb + "/studies" },
                dicom = new { aeTitle = settings.AETitle, port = dicom.Port },
                links = new
                {
                    live = root + "/health/live",
                    ready = root + "/health/ready",
                    stats = root + "/api/stats",
                    metrics = root + "/metrics",
                    console = root + ConsoleEndpoints.Root,
                },
                documentation = "README.md of the gateway's repository",
            });
        });
        return endpoints;
    }
}
