namespace Gateway.Server.DicomWeb.Stow;

/// <summary>STOW-RS: POST /dicomweb/studies and /dicomweb/studies/{study}.</summary>
public static class StowEndpoints
{
    public static IEndpointRouteBuilder MapStow(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/dicomweb/studies", (HttpContext context, StowHandler handler) => handler.HandleAsync(context, null));
        endpoints.MapPost("/dicomweb/studies/{study}", (HttpContext context, string study, StowHandler handler) => handler.HandleAsync(context, study));
        return endpoints;
    }
}
