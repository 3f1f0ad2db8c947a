using System.Text;

namespace Gateway.Dicom.Text;

// Placeholder until the charset branch lands (that file replaces this one): Latin-1 and UTF-8 only.
public sealed class DicomCharacterSet
{
    private readonly Encoding _encoding;

    private DicomCharacterSet(Encoding encoding) => _encoding = encoding;

    public static DicomCharacterSet Default { get; } = new(Encoding.Latin1);

    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return terms.Count > 0 && terms[0].Trim() == "ISO_IR 192" ? new DicomCharacterSet(Encoding.UTF8) : Default;
    }

    public string Decode(ReadOnlySpan<byte> value, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        return vr.IsCharacterSetDependent ? _encoding.GetString(value) : Encoding.Latin1.GetString(value);
    }

    public byte[] Encode(string value, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        return vr.IsCharacterSetDependent ? _encoding.GetBytes(value) : Encoding.Latin1.GetBytes(value);
    }
}
