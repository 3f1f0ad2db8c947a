namespace Gateway.Dicom;

/// <summary>How much of a file to read, and the limits that protect the reader from hostile input.</summary>
public sealed record DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop at the top-level Pixel Data element (7FE0,0010) without reading it or anything after it.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Deepest sequence nesting accepted; deeper input is rejected as malformed.</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>
    /// Most bytes a deflated data set may inflate to; more is rejected as malformed. Deflate reaches ratios near
    /// 1000:1, so without a limit a 2 MB file could make the reader allocate gigabytes.
    /// </summary>
    public long MaxInflatedLength { get; init; } = 1L << 30;
}
