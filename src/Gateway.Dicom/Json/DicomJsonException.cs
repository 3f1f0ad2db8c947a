namespace Gateway.Dicom.Json;

/// <summary>
/// DICOM JSON (PS3.18 Annex F.2) that cannot be read: malformed JSON, a bad tag key, an unknown VR or a value of
/// the wrong JSON type. The message names the attribute (as a path of tags and item indexes) and the problem.
/// </summary>
public sealed class DicomJsonException : DicomParseException
{
    public DicomJsonException(string message)
        : base(message)
    {
    }

    public DicomJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
