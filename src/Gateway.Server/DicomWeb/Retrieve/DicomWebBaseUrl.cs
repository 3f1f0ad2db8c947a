using Gateway.Server.Hosting;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>The absolute URL of the DICOMweb root as clients reach it: the configured public base URL, else the request's own.</summary>
internal static class DicomWebBaseUrl
{
    public static string Of(HttpRequest request, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}/dicomweb"
            : options.PublicBaseUrl.TrimEnd('/');
    }

    public static string Instance(string baseUrl, string study, string series, string instance) =>
        $"{baseUrl}/studies/{Uri.EscapeDataString(study)}/series/{Uri.EscapeDataString(series)}/instances/{Uri.EscapeDataString(instance)}";
}
