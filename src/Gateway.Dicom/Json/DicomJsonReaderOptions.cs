namespace Gateway.Dicom.Json;

/// <summary>How <see cref="DicomJsonReader"/> reads the DICOM JSON Model.</summary>
public sealed record DicomJsonReaderOptions
{
    public static DicomJsonReaderOptions Default { get; } = new();

    /// <summary>
    /// Fetches the value behind a "BulkDataURI" while reading: it returns the attribute's Value Field bytes (little
    /// endian; for encapsulated pixel data the item-encoded fragments, as InlineBinary would carry them). When null,
    /// the reader leaves a <see cref="DicomBulkDataReference"/> in the data set for the caller to resolve later.
    /// </summary>
    public Func<DicomBulkDataReference, ReadOnlyMemory<byte>>? BulkDataResolver { get; init; }

    /// <summary>
    /// The transfer syntax of the data set the JSON describes, which says whether an inline Pixel Data value is
    /// encapsulated. When null, Transfer Syntax UID (0002,0010) in the JSON decides; when that is absent too, a Pixel
    /// Data value that parses exactly as PS3.5 A.4 items is taken as encapsulated.
    /// </summary>
    public DicomTransferSyntax? TransferSyntax { get; init; }

    /// <summary>Deepest sequence nesting accepted; deeper input is rejected as malformed.</summary>
    public int MaxSequenceDepth { get; init; } = 64;
}
