using System.Text.Json;
using Gateway.Compression.Npy;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>
/// The series latent of a series (issue 15) as an AI pipeline takes it: the latent as a NumPy .npy file, float32
/// [channels, d, h, w] in C order, dequantized from the stored int8 codes (what the decoder starts from, as the
/// instance /latent gives float32), and its manifest (JSON): model, factor, scale per axis, shape, the volume's
/// geometry, and the slice order (<c>sliceOrder</c>: the SOP Instance UID of each slice of the volume;
/// <c>latentSlices</c>: per latent slice index, the UIDs of the slices it covers).
/// </summary>
public sealed class SeriesLatentArrays(RetrieveService retrieve, IVolumeLatentEngine engine)
{
    /// <summary>An instance of the series served from its series latent (its serving object is the latent); null when none is.</summary>
    public static ArchivedInstance? MemberOf(IReadOnlyList<ArchivedInstance> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.FirstOrDefault(instance => instance.Serving?.Kind == StorageKind.Latent3D);
    }

    /// <summary>The .npy bytes and the manifest (UTF-8 JSON) of the series latent that serves <paramref name="member"/>, read verified.</summary>
    /// <exception cref="DamagedObjectException">The object, or its slice order, is not what the index recorded.</exception>
    public async Task<(byte[] Npy, byte[] Manifest)> ReadAsync(ArchivedInstance member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        var latent = member.Serving is { Kind: StorageKind.Latent3D } serving ? serving : throw new ArgumentException($"Instance {member.SopInstanceUid} is not served from a series latent.", nameof(member));
        var order = await retrieve.ReadSliceOrderAsync(latent.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new DamagedObjectException(latent.Key, member.SopInstanceUid, "a series latent row with its slice order", "no series latent row");
        var stored = await retrieve.ReadObjectAsync(member, latent, cancellationToken).ConfigureAwait(false);
        var array = engine.ReadLatent(stored, order);
        return (NpyWriter.ToBytes(array.Shape, array.Values), Manifest(member.SeriesInstanceUid, order, array));
    }

    private static byte[] Manifest(string seriesUid, IReadOnlyList<string> order, VolumeLatentArray array)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("seriesInstanceUid", seriesUid);
            writer.WriteString("model", array.Model.Id);
            writer.WriteString("modelSha256", array.Model.Sha256);
            writer.WriteNumber("factor", array.Model.Factor);
            writer.WriteNumber("scalePerSide", array.ScalePerSide);
            writer.WriteString("dtype", "float32");
            writer.WriteString("layout", "channels, d, h, w");
            Numbers(writer, "shape", array.Shape);
            writer.WriteStartObject("geometry");
            writer.WriteNumber("slices", array.Slices);
            writer.WriteNumber("rows", array.Rows);
            writer.WriteNumber("columns", array.Columns);
            writer.WriteNumber("bitsStored", array.BitsStored);
            writer.WriteBoolean("signed", array.Signed);
            writer.WriteEndObject();
            writer.WriteStartArray("sliceOrder");
            foreach (var uid in order)
            {
                writer.WriteStringValue(uid);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("latentSlices");
            for (var first = 0; first < order.Count; first += array.ScalePerSide)
            {
                writer.WriteStartArray();
                for (var s = first; s < Math.Min(order.Count, first + array.ScalePerSide); s++)
                {
                    writer.WriteStringValue(order[s]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Numbers(Utf8JsonWriter writer, string name, int[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }
}
