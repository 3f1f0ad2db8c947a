namespace Gateway.Dicom.Json;

/// <summary>
/// An element whose value was given in DICOM JSON as a "BulkDataURI" (PS3.18 F.2.6) and has not been fetched.
/// <see cref="DicomJsonReader"/> leaves one in the data set when no resolver was supplied, so a caller that receives
/// the bulk data later (a STOW-RS request carries it in other parts of the multipart body) can fill it in with
/// <see cref="DicomJsonReader.ResolveBulkData"/>. <see cref="DicomJsonWriter"/> writes it back as its URI.
/// It has no bytes: a data set holding one cannot be written as a Part 10 file until it is resolved.
/// </summary>
public sealed class DicomBulkDataReference : DicomElement
{
    public DicomBulkDataReference(DicomTag tag, DicomVR vr, string uri)
        : base(tag, vr)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        if (vr.Kind == VRKind.Sequence)
        {
            throw new ArgumentException($"{tag}: a sequence cannot be bulk data.", nameof(vr));
        }

        Uri = uri;
    }

    /// <summary>The URI exactly as the JSON gave it (it may be relative to the request's base URI).</summary>
    public string Uri { get; }

    public override string ToString() => $"{Tag} {VR} BulkDataURI {Uri}";
}
