using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Dicom.Json;

namespace Gateway.Dicom.Tests.Json;

/// <summary>Builds elements from explicit bytes and compares JSON texts in one canonical, compact form.</summary>
internal static class JsonTestSupport
{
    /// <summary>
    /// The JSON re-emitted compactly with UTF-8 text, member order kept and numbers exactly as written, so two texts
    /// are equal only when they hold the same members in the same order with the same number spellings.
    /// </summary>
    public static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.RootElement.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void AssertJsonEqual(string expected, string actual) => Assert.Equal(Canonical(expected), Canonical(actual));

    /// <summary>A text element from its value encoded by hand (the test states the bytes), padded as PS3.5 requires.</summary>
    public static DicomValueElement TextElement(uint tag, DicomVR vr, string value, Encoding? encoding = null)
    {
        var bytes = (encoding ?? Encoding.ASCII).GetBytes(value);
        if (bytes.Length % 2 == 1)
        {
            bytes = [.. bytes, vr.Padding];
        }

        return new DicomValueElement(new DicomTag(tag), vr, bytes);
    }

    public static DicomValueElement Bytes(uint tag, DicomVR vr, params byte[] value) => new(new DicomTag(tag), vr, value);

    public static string Write(DicomDataset dataset, DicomJsonWriterOptions? options = null) => DicomJsonWriter.Serialize(dataset, options);

    public static byte[] ValueBytes(DicomDataset dataset, uint tag) =>
        Assert.IsType<DicomValueElement>(dataset[new DicomTag(tag)]).Value.ToArray();
}
