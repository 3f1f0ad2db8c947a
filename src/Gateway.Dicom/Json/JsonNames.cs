using System.Text.Json;

namespace Gateway.Dicom.Json;

/// <summary>The member names of the DICOM JSON Model (PS3.18 F.2.2), pre-encoded.</summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Vr = JsonEncodedText.Encode("vr");
    public static readonly JsonEncodedText Value = JsonEncodedText.Encode("Value");
    public static readonly JsonEncodedText InlineBinary = JsonEncodedText.Encode("InlineBinary");
    public static readonly JsonEncodedText BulkDataUri = JsonEncodedText.Encode("BulkDataURI");
    public static readonly JsonEncodedText Alphabetic = JsonEncodedText.Encode("Alphabetic");
    public static readonly JsonEncodedText Ideographic = JsonEncodedText.Encode("Ideographic");
    public static readonly JsonEncodedText Phonetic = JsonEncodedText.Encode("Phonetic");
}
