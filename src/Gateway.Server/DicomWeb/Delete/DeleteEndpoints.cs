using System.Globalization;
using Gateway.Core.Archive;
using Gateway.Server.Audit.Http;

namespace Gateway.Server.DicomWeb.Delete;

/// <summary>
/// DELETE /dicomweb/studies/{study}[/series/{series}[/instances/{instance}]] (as dcm4chee and Orthanc offer; admins
/// only): the index rows and every stored object of the instances; 204 when something was deleted, 404 otherwise.
/// </summary>
public static class DeleteEndpoints
{
    public static IEndpointRouteBuilder MapDelete(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapDelete("/dicomweb/studies/{study}", (string study, HttpContext context, DeleteService deletion, CancellationToken cancellationToken) =>
            DeleteAsync(context, deletion, new DeletionScope(study), cancellationToken));
        endpoints.MapDelete("/dicomweb/studies/{study}/series/{series}", (string study, string series, HttpContext context, DeleteService deletion, CancellationToken cancellationToken) =>
            DeleteAsync(context, deletion, new DeletionScope(study, series), cancellationToken));
        endpoints.MapDelete("/dicomweb/studies/{study}/series/{series}/instances/{instance}", (string study, string series, string instance, HttpContext context, DeleteService deletion, CancellationToken cancellationToken) =>
            DeleteAsync(context, deletion, new DeletionScope(study, series, instance), cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, DeleteService deletion, DeletionScope scope, CancellationToken cancellationToken)
    {
        var result = await deletion.DeleteAsync(scope, cancellationToken).ConfigureAwait(false);
        context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"{result.Instances} instances deleted");
        return result.Instances > 0 ? Results.NoContent() : Results.NotFound();
    }
}
