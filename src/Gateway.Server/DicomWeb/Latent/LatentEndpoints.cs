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
/// a zip of one .npy per latent instance (named by SOP Instance UID) with manifest.json (uid -> model and shape).
/// 404 for unknown UIDs; 409 when what is named exists but holds no latent.
/// </summary>
public static class LatentEndpoints
{
    public const string ModelHeader = "X-Latent-Model";

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

    private static async Task<IResult> SeriesAsync(string study, string series, HttpContext http, RetrieveService retrieve, LatentArrays arrays)
    {
        var cancellationToken = http.RequestAborted;
        var scope = new RetrieveScope(study, series);
        var found = await retrieve.LocateAsync(scope, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
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
