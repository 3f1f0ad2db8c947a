namespace Gateway.Server.DicomWeb.Http;

/// <summary>The media types of DICOMweb (PS3.18 8.7.3) and which transfer syntaxes each may carry.</summary>
internal static class DicomMediaTypes
{
    public const string Dicom = "application/dicom";
    public const string DicomJson = "application/dicom+json";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";

    /// <summary>Compressed pixel data media types (PS3.18 Table 8.7.3-4), each with its transfer syntaxes, the default first.</summary>
    private static readonly Dictionary<string, string[]> PixelMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.53", "1.2.840.10008.1.2.4.55"],
        ["image/dicom-rle"] = ["1.2.840.10008.1.2.5"],
        ["image/jls"] = ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"],
        ["image/jp2"] = ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"],
        ["image/jpx"] = ["1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"],
        ["image/jphc"] = ["1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"],
    };

    /// <summary>The compressed media types, for matching wildcard ranges such as image/*.</summary>
    public static IEnumerable<string> CompressedPixelMediaTypes => PixelMediaTypes.Keys;

    /// <summary>The media type of frames compressed in <paramref name="transferSyntaxUid"/>; null for syntaxes without one.</summary>
    public static string? ForCompressedSyntax(string transferSyntaxUid) =>
        PixelMediaTypes.FirstOrDefault(entry => entry.Value.Contains(transferSyntaxUid, StringComparer.Ordinal)).Key;

    /// <summary>The transfer syntax a compressed media type means when the request names none.</summary>
    public static string? DefaultSyntax(string mediaType) =>
        PixelMediaTypes.TryGetValue(mediaType, out var syntaxes) ? syntaxes[0] : null;

    /// <summary>Whether <paramref name="mediaType"/> may carry pixel data in <paramref name="transferSyntaxUid"/>.</summary>
    public static bool Carries(string mediaType, string transferSyntaxUid) =>
        PixelMediaTypes.TryGetValue(mediaType, out var syntaxes) && syntaxes.Contains(transferSyntaxUid, StringComparer.Ordinal);

    /// <summary>A part or body Content-Type with its transfer-syntax parameter.</summary>
    public static string WithSyntax(string mediaType, string transferSyntaxUid) => $"{mediaType}; transfer-syntax={transferSyntaxUid}";
}
