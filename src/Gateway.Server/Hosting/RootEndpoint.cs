using System.Reflection;
using Gateway.Server.DicomWeb.Retrieve;
using Gateway.Server.Dimse;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>GET /: where a new user lands: the service, its version, the DICOMweb root, the DICOM node and the admin links, as JSON.</summary>
public static class RootEndpoint
{
    private static readonly string Version =
        typeof(RootEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static IEndpointRouteBuilder MapRoot(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/", (HttpRequest request, IOptions<GatewayOptions> options, DicomListener dicom) =>
        {
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
                },
                documentation = "README.md of the gateway's repository",
            });
        });
        return endpoints;
    }
}
