using System.IO.Compression;
using System.Text.Json;
using Gateway.Compression.Npy;
using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.DicomWeb.Retrieve;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>
/// The latents themselves, for AI pipelines that train on them (the MedVAE use case): an instance's latent as a NumPy
/// .npy file (float32 [frames, channels, height, width], C order) with the model in X-Latent-Model, and a series' as
/// a zip of one .npy per latent instance (named by SOP Instance UID) with manifest.json (uid -> model and shape), or,
/// asked for with Accept <c>multipart/related; type="application/octet-stream"</c>, its series latent (3D) as one
/// .npy and its manifest (<see cref="SeriesLatentArrays"/>). 404 for unknown UIDs and for a series latent asked of a
/// series without one; 409 when what is named exists but holds no latent; 406 for an Accept that admits neither.
/// </summary>
public static class LatentEndpoints
{
    public const string ModelHeader = "X-Latent-Model";

    /// <summary>The root part's type of the series latent response (the .npy); the manifest is the second part, application/json.</summary>
    public const string SeriesLatentPartType = "application/octet-stream";

    public static IEndpointRouteBuilder MapLatent(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/dicomweb/studies/{study}/series/{series}/instances/{instance}/latent", InstanceAsync);
        endpoints.MapGet("/dicomweb/studies/{study}/series/{series}/latent", SeriesAsync);
        return endpoints;
    }

    private static async Task<IResult> InstanceAsync(string study, string series, string instance, HttpContext http, RetrieveService retrieve, LatentArrays arrays)
    {
        var scope = new RetrieveScope(study, series, instance);
        var found = await retrieve.LocateAsync(scope, http.RequestAborted).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
        }

        if (LatentArrays.LatentOf(found[0]) is not { } latent)
        {
            return Conflict($"Instance {instance} is not stored as a latent (it is kept as {found[0].Serving?.Kind.ToString().ToLowerInvariant() ?? "nothing"}), so it has no latent to give.");
        }

        var array = await arrays.ReadAsync(found[0], latent, http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers[ModelHeader] = array.ModelId;
        return Results.File(NpyWriter.ToBytes(array.Shape, array.Values), "application/octet-stream", instance + ".npy");
    }

    private static async Task<IResult> SeriesAsync(string study, string series, HttpContext http, RetrieveService retrieve, LatentArrays arrays, SeriesLatentArrays volumes)
    {
        var cancellationToken = http.RequestAborted;
        var wantsVolume = WantsSeriesLatent(AcceptHeader.Parse(http.Request.Headers.Accept));
        if (wantsVolume is null)
        {
            return DicomWebResults.NotAcceptable(
                $"The latents of a series are served as application/zip (the per-instance latents) or as multipart/related; type=\"{SeriesLatentPartType}\" (its series latent), not as {http.Request.Headers.Accept}.");
        }

        var scope = new RetrieveScope(study, series);
        var found = await retrieve.LocateAsync(scope, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
        }

        if (wantsVolume.Value)
        {
            return await SeriesLatentAsync(series, found, volumes, cancellationToken).ConfigureAwait(false);
        }

        var latents = found.Select(instance => (Instance: instance, Latent: LatentArrays.LatentOf(instance))).Where(pair => pair.Latent is not null).ToList();
        if (latents.Count == 0)
        {
            return Conflict($"No instance of series {series} is stored as a latent, so it has no latents to give.");
        }

        // Built before answering (spilling to a temporary file when large), so a failure is an error status, not a cut archive.
        var buffer = new FileBufferingWriteStream();
        try
        {
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                var manifest = new Dictionary<string, (string Model, int[] Shape)>(StringComparer.Ordinal);
                foreach (var (instance, latent) in latents)
                {
                    var uid = instance.SopInstanceUid;
                    var array = await arrays.ReadAsync(instance, latent!, cancellationToken).ConfigureAwait(false);
                    using (var entry = zip.CreateEntry(uid + ".npy", CompressionLevel.Fastest).Open())
                    {
                        NpyWriter.Write(entry, array.Shape, array.Values);
                    }

                    manifest[uid] = (array.ModelId, array.Shape);
                }

                using var manifestEntry = zip.CreateEntry("manifest.json", CompressionLevel.Fastest).Open();
                WriteManifest(manifestEntry, manifest);
            }
        }
        catch
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return Results.Stream(
            async body =>
            {
                await using (buffer.ConfigureAwait(false))
                {
                    await buffer.DrainBufferAsync(body, cancellationToken).ConfigureAwait(false);
                }
            },
            "application/zip",
            series + ".zip");
    }

    /// <summary>True for the series latent, false for the zip, null when the Accept ranges admit neither (no Accept: the zip).</summary>
    private static bool? WantsSeriesLatent(IReadOnlyList<MediaRange> accepted)
    {
        if (accepted.Count == 0)
        {
            return false;
        }

        foreach (var range in accepted)
        {
            if (range.Admits("multipart/related") && range.Type != "*" && range.Parameter("type") is var type
                && (type is null || string.Equals(type, SeriesLatentPartType, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (range.Admits("application/zip"))
            {
                return false;
            }
        }

        return null;
    }

    private static async Task<IResult> SeriesLatentAsync(string series, IReadOnlyList<ArchivedInstance> found, SeriesLatentArrays volumes, CancellationToken cancellationToken)
    {
        if (SeriesLatentArrays.MemberOf(found) is not { } member)
        {
            return DicomWebResults.NotFound(
                $"Series {series} has no series latent: none of its {found.Count} instances is served from a 3D latent (ask for application/zip for its per-instance latents).");
        }

        var (npy, manifest) = await volumes.ReadAsync(member, cancellationToken).ConfigureAwait(false);
        return new MultipartResult(SeriesLatentPartType, null, async (writer, token) =>
        {
            await writer.WritePartAsync(SeriesLatentPartType, npy, token).ConfigureAwait(false);
            await writer.WritePartAsync("application/json", manifest, token).ConfigureAwait(false);
        });
    }

    private static void WriteManifest(Stream stream, Dictionary<string, (string Model, int[] Shape)> manifest)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (var (uid, (model, shape)) in manifest)
        {
            writer.WriteStartObject(uid);
            writer.WriteString("model", model);
            writer.WriteStartArray("shape");
            foreach (var dimension in shape)
            {
                writer.WriteNumberValue(dimension);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static IResult Conflict(string message) => Results.Text(message + "\n", "text/plain", statusCode: StatusCodes.Status409Conflict);
}
