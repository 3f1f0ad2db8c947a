using System.Text.Json;

namespace Gateway.Dicom.Json;

/// <summary>
/// Reads the DICOM JSON Model (PS3.18 Annex F.2) into data sets, the inverse of <see cref="DicomJsonWriter"/>.
/// </summary>
/// <remarks>
/// Text values are encoded with the data set's Specific Character Set (0008,0005) when the JSON has one (items inherit
/// it), so the JSON of a Latin-1 data set reads back to Latin-1 bytes; PN objects are joined with '='; DS and IS
/// numbers keep the JSON number's text (an IS written 1e2 becomes "100"; a DS longer than the 16 characters DS allows
/// is shortened); strings are accepted for DS, IS, SV and UV as table F.2.3-1 permits; "InlineBinary" is decoded, and
/// top-level Pixel Data that is a run of PS3.5 A.4 items becomes a <see cref="DicomFragmentSequence"/>. A
/// "BulkDataURI" is fetched with <see cref="DicomJsonReaderOptions.BulkDataResolver"/>, or, without one, left as a
/// <see cref="DicomBulkDataReference"/> to resolve later with <see cref="ResolveBulkData"/>. Lenient where real
/// writers differ (members in any order, "Value": [] for an empty attribute, a PN given as a plain string, InlineBinary
/// in a one-element array, null sequence items) and strict where the meaning would be lost: malformed JSON, a key that
/// is not eight hex digits, a missing or unknown "vr", a value of the wrong JSON type or out of range, or a repeated tag
/// all raise <see cref="DicomJsonException"/>.
/// </remarks>
public static class DicomJsonReader
{
    /// <summary>Reads one data set from a UTF-8 JSON object.</summary>
    public static DicomDataset Read(ReadOnlyMemory<byte> utf8Json, DicomJsonReaderOptions? options = null)
    {
        options ??= DicomJsonReaderOptions.Default;
        using var document = Parse(utf8Json, options);
        return ReadDataset(document.RootElement, options);
    }

    /// <summary>Reads one data set from a JSON object.</summary>
    public static DicomDataset Read(string json, DicomJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(System.Text.Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads one data set from a stream holding a UTF-8 JSON object.</summary>
    public static async Task<DicomDataset> ReadAsync(Stream stream, DicomJsonReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DicomJsonReaderOptions.Default;
        using var document = await ParseAsync(stream, options, cancellationToken).ConfigureAwait(false);
        return ReadDataset(document.RootElement, options);
    }

    /// <summary>Reads a JSON array of data sets (a QIDO-RS or metadata response).</summary>
    public static IReadOnlyList<DicomDataset> ReadArray(ReadOnlyMemory<byte> utf8Json, DicomJsonReaderOptions? options = null)
    {
        options ??= DicomJsonReaderOptions.Default;
        using var document = Parse(utf8Json, options);
        return ReadDatasets(document.RootElement, options);
    }

    /// <summary>Reads a JSON array of data sets.</summary>
    public static IReadOnlyList<DicomDataset> ReadArray(string json, DicomJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ReadArray(System.Text.Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>Reads a JSON array of data sets from a stream.</summary>
    public static async Task<IReadOnlyList<DicomDataset>> ReadArrayAsync(Stream stream, DicomJsonReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DicomJsonReaderOptions.Default;
        using var document = await ParseAsync(stream, options, cancellationToken).ConfigureAwait(false);
        return ReadDatasets(document.RootElement, options);
    }

    /// <summary>Reads one data set from a JSON object the caller has already parsed.</summary>
    public static DicomDataset ReadDataset(JsonElement json, DicomJsonReaderOptions? options = null) =>
        new DicomJsonParser(options ?? DicomJsonReaderOptions.Default).ReadTopLevel(json);

    /// <summary>
    /// Replaces every <see cref="DicomBulkDataReference"/> in the data set and its items with the value the resolver
    /// returns (the Value Field bytes, as for <see cref="DicomJsonReaderOptions.BulkDataResolver"/>); returns how many
    /// were replaced. <paramref name="transferSyntax"/> decides, as in the options, whether Pixel Data is encapsulated.
    /// </summary>
    public static int ResolveBulkData(DicomDataset dataset, Func<DicomBulkDataReference, ReadOnlyMemory<byte>> resolver, DicomTransferSyntax? transferSyntax = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(resolver);
        var parser = new DicomJsonParser(DicomJsonReaderOptions.Default with { TransferSyntax = transferSyntax });
        parser.UseTransferSyntaxOf(dataset);
        return Resolve(dataset, reference => ValueTask.FromResult(resolver(reference)), parser, topLevel: true).GetAwaiter().GetResult();
    }

    /// <summary>
    /// <see cref="ResolveBulkData"/> for resolvers that fetch asynchronously (over HTTP, from an object store).
    /// </summary>
    public static Task<int> ResolveBulkDataAsync(DicomDataset dataset, Func<DicomBulkDataReference, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> resolver, DicomTransferSyntax? transferSyntax = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(resolver);
        var parser = new DicomJsonParser(DicomJsonReaderOptions.Default with { TransferSyntax = transferSyntax });
        parser.UseTransferSyntaxOf(dataset);
        return Resolve(dataset, reference => resolver(reference, cancellationToken), parser, topLevel: true);
    }

    private static async Task<int> Resolve(DicomDataset dataset, Func<DicomBulkDataReference, ValueTask<ReadOnlyMemory<byte>>> resolver, DicomJsonParser parser, bool topLevel)
    {
        var resolved = 0;
        List<DicomBulkDataReference>? references = null;
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomBulkDataReference reference:
                    (references ??= []).Add(reference);
                    break;
                case DicomSequence sequence:
                    foreach (var item in sequence.Items)
                    {
                        resolved += await Resolve(item, resolver, parser, topLevel: false).ConfigureAwait(false);
                    }

                    break;
            }
        }

        foreach (var reference in references ?? [])
        {
            var bytes = await resolver(reference).ConfigureAwait(false);
            dataset.Add(parser.BinaryElement(reference.Tag, reference.VR, bytes, topLevel));
            resolved++;
        }

        return resolved;
    }

    private static List<DicomDataset> ReadDatasets(JsonElement root, DicomJsonReaderOptions options)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new DicomJsonException($"Expected a JSON array of DICOM JSON data sets, found {root.ValueKind}.");
        }

        var datasets = new List<DicomDataset>(root.GetArrayLength());
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            try
            {
                datasets.Add(new DicomJsonParser(options).ReadTopLevel(item));
            }
            catch (DicomJsonException exception)
            {
                throw new DicomJsonException($"Data set {index} of the array: {exception.Message}", exception);
            }

            index++;
        }

        return datasets;
    }

    private static JsonDocumentOptions DocumentOptions(DicomJsonReaderOptions options) =>
        // Each sequence level is three JSON levels (attribute object, Value array, item object).
        new() { MaxDepth = checked((options.MaxSequenceDepth * 3) + 4) };

    private static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, DicomJsonReaderOptions options)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, DocumentOptions(options));
        }
        catch (JsonException exception)
        {
            throw Malformed(exception);
        }
    }

    private static async Task<JsonDocument> ParseAsync(Stream stream, DicomJsonReaderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return await JsonDocument.ParseAsync(stream, DocumentOptions(options), cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw Malformed(exception);
        }
    }

    private static DicomJsonException Malformed(JsonException exception) =>
        new($"Not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}): {exception.Message}", exception);
}
