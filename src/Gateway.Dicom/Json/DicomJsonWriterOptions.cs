using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Dicom.Json;

/// <summary>How <see cref="DicomJsonWriter"/> writes the DICOM JSON Model.</summary>
public sealed record DicomJsonWriterOptions
{
    public static DicomJsonWriterOptions Default { get; } = new();

    /// <summary>
    /// Write group 0002 (File Meta Information) elements: those in the data set and, when writing a
    /// <see cref="DicomFile"/>, its meta group. Off by default: metadata responses describe the data set.
    /// Group Length elements (gggg,0000) are never written (PS3.18 F.2.2).
    /// </summary>
    public bool IncludeFileMetaInformation { get; init; }

    /// <summary>Indent the JSON (for people); only for the methods that create the <see cref="Utf8JsonWriter"/>.</summary>
    public bool WriteIndented { get; init; }

    /// <summary>Which values become BulkDataURIs; null writes every value inline.</summary>
    public DicomBulkDataPolicy? BulkData { get; init; }

    /// <summary>
    /// The string escaper for the methods that create the <see cref="Utf8JsonWriter"/>. The default,
    /// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, writes non-ASCII text (names in any script) as
    /// UTF-8 rather than \u escapes, as the PS3.18 examples show; DICOM JSON is served as application/dicom+json,
    /// never inlined into HTML, which is the case the stricter default encoder guards against.
    /// </summary>
    public JavaScriptEncoder Encoder { get; init; } = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The <see cref="JsonWriterOptions"/> these options imply.</summary>
    public JsonWriterOptions ToJsonWriterOptions() => new() { Indented = WriteIndented, Encoder = Encoder };
}
