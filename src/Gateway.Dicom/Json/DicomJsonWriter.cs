using System.Buffers;
using System.Text.Json;

namespace Gateway.Dicom.Json;

/// <summary>
/// Writes data sets as the DICOM JSON Model (PS3.18 Annex F.2): an object whose members are the attributes in tag
/// order, keyed by eight uppercase hex digits, each with its "vr" and a "Value" array, an "InlineBinary" or a
/// "BulkDataURI" (see <see cref="DicomBulkDataPolicy"/>); an empty attribute has only its "vr" (F.2.5). QIDO-RS and
/// WADO-RS metadata responses are JSON arrays of such objects (<see cref="WriteArray"/>).
/// </summary>
/// <remarks>
/// Value mapping (PS3.18 table F.2.3-1): text VRs become strings, decoded with the data set's Specific Character Set
/// (items inherit it), split at backslashes, padding removed, an empty value among several becoming null; PN values
/// become objects with the non-empty "Alphabetic", "Ideographic" and "Phonetic" groups; AT values "GGGGEEEE" strings;
/// DS and IS JSON numbers carrying the value's own digits (".5" is written 0.5, "+5" 5; text that is no number at all
/// stays a string, which the table allows); FL, FD, SL, SS, UL, US, SV and UV numbers (non-finite floats as the strings
/// "NaN", "Infinity", "-Infinity"); OB, OD, OF, OL, OV, OW and UN base64 "InlineBinary" of the little-endian bytes;
/// encapsulated pixel data a BulkDataURI when the policy gives one, else InlineBinary of its item-encoded Value Field.
/// Group Length elements are omitted (F.2.2); private creators and private elements are kept.
/// </remarks>
public static class DicomJsonWriter
{
    /// <summary>Writes one data set as a JSON object (group 0002 only if it is in the data set and the options ask).</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        new DicomJsonEmitter(writer, options ?? DicomJsonWriterOptions.Default).WriteDataset(dataset, null);
    }

    /// <summary>Writes a file's data set as a JSON object, with its File Meta Information when the options ask.</summary>
    public static void Write(Utf8JsonWriter writer, DicomFile file, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(file);
        new DicomJsonEmitter(writer, options ?? DicomJsonWriterOptions.Default).WriteDataset(file.Dataset, file.FileMetaInformation);
    }

    /// <summary>Writes data sets as a JSON array of objects, the form of QIDO-RS and metadata responses.</summary>
    public static void WriteArray(Utf8JsonWriter writer, IEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(datasets);
        var emitter = new DicomJsonEmitter(writer, options ?? DicomJsonWriterOptions.Default);
        writer.WriteStartArray();
        foreach (var dataset in datasets)
        {
            ArgumentNullException.ThrowIfNull(dataset, nameof(datasets));
            emitter.WriteDataset(dataset, null);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Streams data sets to <paramref name="stream"/> as a JSON array, flushing as the buffer fills, so a whole
    /// series' metadata is never held as one document.
    /// </summary>
    public static async Task WriteArrayAsync(Stream stream, IAsyncEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(datasets);
        options ??= DicomJsonWriterOptions.Default;
        const int FlushThreshold = 32 * 1024;
        await using var writer = new Utf8JsonWriter(stream, options.ToJsonWriterOptions());
        var emitter = new DicomJsonEmitter(writer, options);
        writer.WriteStartArray();
        await foreach (var dataset in datasets.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(dataset, nameof(datasets));
            emitter.WriteDataset(dataset, null);
            if (writer.BytesPending >= FlushThreshold)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The data set as a JSON object in UTF-8.</summary>
    public static byte[] SerializeToUtf8Bytes(DicomDataset dataset, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= DicomJsonWriterOptions.Default;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options.ToJsonWriterOptions()))
        {
            Write(writer, dataset, options);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The data set as a JSON object.</summary>
    public static string Serialize(DicomDataset dataset, DicomJsonWriterOptions? options = null) =>
        System.Text.Encoding.UTF8.GetString(SerializeToUtf8Bytes(dataset, options));

    /// <summary>The data sets as a JSON array.</summary>
    public static string SerializeArray(IEnumerable<DicomDataset> datasets, DicomJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        options ??= DicomJsonWriterOptions.Default;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options.ToJsonWriterOptions()))
        {
            WriteArray(writer, datasets, options);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
