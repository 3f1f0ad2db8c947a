using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>The WADO-RS resources under /dicomweb/studies/{study} (PS3.18 10.4): instances, metadata, frames, bulk data, rendered, thumbnail.</summary>
public static class WadoRsEndpoints
{
    public static IEndpointRouteBuilder MapWadoRs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var studyRoutes = endpoints.MapGroup("/dicomweb/studies/{study}");
        studyRoutes.MapGet(string.Empty, (string study, HttpContext http, RetrieveService archive) =>
            InstanceRetrieveEndpoint.HandleAsync(new RetrieveScope(study), http, archive));
        studyRoutes.MapGet("/metadata", (string study, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            MetadataEndpoint.HandleAsync(new RetrieveScope(study), http, archive, options));
        studyRoutes.MapGet("/rendered", (string study, HttpContext http, RetrieveService archive) =>
            RenderedEndpoints.StudyOrSeriesAsync(new RetrieveScope(study), false, http, archive));
        studyRoutes.MapGet("/thumbnail", (string study, HttpContext http, RetrieveService archive) =>
            RenderedEndpoints.StudyOrSeriesAsync(new RetrieveScope(study), true, http, archive));

        var seriesRoutes = studyRoutes.MapGroup("/series/{series}");
        seriesRoutes.MapGet(string.Empty, (string study, string series, HttpContext http, RetrieveService archive) =>
            InstanceRetrieveEndpoint.HandleAsync(new RetrieveScope(study, series), http, archive));
        seriesRoutes.MapGet("/metadata", (string study, string series, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            MetadataEndpoint.HandleAsync(new RetrieveScope(study, series), http, archive, options));
        seriesRoutes.MapGet("/rendered", (string study, string series, HttpContext http, RetrieveService archive) =>
            RenderedEndpoints.StudyOrSeriesAsync(new RetrieveScope(study, series), false, http, archive));
        seriesRoutes.MapGet("/thumbnail", (string study, string series, HttpContext http, RetrieveService archive) =>
            RenderedEndpoints.StudyOrSeriesAsync(new RetrieveScope(study, series), true, http, archive));

        var instanceRoutes = seriesRoutes.MapGroup("/instances/{instance}");
        instanceRoutes.MapGet(string.Empty, (string study, string series, string instance, HttpContext http, RetrieveService archive) =>
            InstanceRetrieveEndpoint.HandleAsync(new RetrieveScope(study, series, instance), http, archive));
        instanceRoutes.MapGet("/metadata", (string study, string series, string instance, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            MetadataEndpoint.HandleAsync(new RetrieveScope(study, series, instance), http, archive, options));
        instanceRoutes.MapGet("/rendered", (string study, string series, string instance, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            RenderedEndpoints.InstanceAsync(study, series, instance, null, options.Value.WadoMaxFrames, false, http, archive));
        instanceRoutes.MapGet("/thumbnail", (string study, string series, string instance, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            RenderedEndpoints.InstanceAsync(study, series, instance, null, options.Value.WadoMaxFrames, true, http, archive));
        instanceRoutes.MapGet("/frames/{frames}", (string study, string series, string instance, string frames, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            FramesEndpoint.HandleAsync(study, series, instance, frames, http, archive, options));
        instanceRoutes.MapGet("/frames/{frames}/rendered", (string study, string series, string instance, string frames, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            RenderedEndpoints.InstanceAsync(study, series, instance, frames, options.Value.WadoMaxFrames, false, http, archive));
        instanceRoutes.MapGet("/frames/{frames}/thumbnail", (string study, string series, string instance, string frames, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options) =>
            RenderedEndpoints.InstanceAsync(study, series, instance, frames, options.Value.WadoMaxFrames, true, http, archive));
        instanceRoutes.MapGet("/bulkdata/{**path}", (string study, string series, string instance, string path, HttpContext http, RetrieveService archive) =>
            BulkDataEndpoint.HandleAsync(study, series, instance, path, http, archive));
        return endpoints;
    }
}
