namespace Gateway.Dicom;

/// <summary>A transfer syntax of PS3.5 section 10 and PS3.6 table A-1, with the encoding rules it implies.</summary>
public sealed class DicomTransferSyntax
{
    private DicomTransferSyntax(string uid, string name, bool explicitVR, bool bigEndian, bool deflated, bool encapsulated, bool lossy)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
    }

    public string Uid { get; }

    public string Name { get; }

    public bool IsExplicitVR { get; }

    public bool IsBigEndian { get; }

    /// <summary>The data set after the meta group is a raw Deflate stream (RFC 1951).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is encapsulated in fragments (PS3.5 section A.4).</summary>
    public bool IsEncapsulated { get; }

    /// <summary>Whether encoding into this syntax may lose information.</summary>
    public bool IsLossy { get; }

    /// <summary>Whether the transfer syntax is one this library knows the encoding rules of.</summary>
    public bool IsKnown => Lookup.ContainsKey(Uid);

    public override string ToString() => $"{Name} ({Uid})";

    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, false);
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, false);
    public static readonly DicomTransferSyntax JpegBaseline = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegExtended = new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegSpectralSelection = new("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (Retired)", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegFullProgression = new("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (Retired)", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegLossless = new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLosslessSV1 = new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLSLossless = new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLSNearLossless = new("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", true, false, false, true, true);
    public static readonly DicomTransferSyntax Jpeg2000Lossless = new("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, false, false, true, false);
    public static readonly DicomTransferSyntax Jpeg2000 = new("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, false, false, true, true);
    public static readonly DicomTransferSyntax Jpeg2000Part2MultiComponentLossless = new("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", true, false, false, true, false);
    public static readonly DicomTransferSyntax Jpeg2000Part2MultiComponent = new("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", true, false, false, true, true);
    public static readonly DicomTransferSyntax HtJpeg2000Lossless = new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", true, false, false, true, false);
    public static readonly DicomTransferSyntax HtJpeg2000RpclLossless = new("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", true, false, false, true, false);
    public static readonly DicomTransferSyntax HtJpeg2000 = new("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", true, false, false, true, true);
    public static readonly DicomTransferSyntax RleLossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, true, false);
    public static readonly DicomTransferSyntax DeflatedImageFrameCompression = new("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", true, false, false, true, false);
    public static readonly DicomTransferSyntax Mpeg2MainProfile = new("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile @ Main Level", true, false, false, true, true);
    public static readonly DicomTransferSyntax Mpeg4HighProfile = new("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", true, false, false, true, true);
    public static readonly DicomTransferSyntax Hevc = new("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", true, false, false, true, true);

    private static readonly Dictionary<string, DicomTransferSyntax> Lookup = new DicomTransferSyntax[]
    {
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, EncapsulatedUncompressedExplicitVRLittleEndian,
        DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, JpegBaseline, JpegExtended, JpegSpectralSelection,
        JpegFullProgression, JpegLossless, JpegLosslessSV1, JpegLSLossless, JpegLSNearLossless, Jpeg2000Lossless,
        Jpeg2000, Jpeg2000Part2MultiComponentLossless, Jpeg2000Part2MultiComponent, HtJpeg2000Lossless,
        HtJpeg2000RpclLossless, HtJpeg2000, RleLossless, DeflatedImageFrameCompression, Mpeg2MainProfile,
        Mpeg4HighProfile, Hevc,
    }.ToDictionary(ts => ts.Uid, StringComparer.Ordinal);

    public static IEnumerable<DicomTransferSyntax> Known => Lookup.Values;

    /// <summary>
    /// Finds the transfer syntax for a UID. An unknown UID is, per PS3.5 section 10, encoded as explicit VR
    /// little endian with encapsulated pixel data: the data set stays readable even when the pixels are not.
    /// </summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        var trimmed = uid.TrimEnd('\0', ' ');
        return Lookup.TryGetValue(trimmed, out var known)
            ? known
            : new DicomTransferSyntax(trimmed, "Unknown transfer syntax", true, false, false, true, true);
    }

    public static bool TryGetKnown(string uid, out DicomTransferSyntax syntax) =>
        Lookup.TryGetValue(uid.TrimEnd('\0', ' '), out syntax!);
}
