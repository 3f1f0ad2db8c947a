namespace Gateway.Dicom.Json;

/// <summary>
/// Decides which values <see cref="DicomJsonWriter"/> replaces with a "BulkDataURI" (PS3.18 F.2.6) instead of
/// writing them inline: a value longer than <see cref="ThresholdBytes"/> whose VR PS3.18 F.2.2 allows as bulk data,
/// and encapsulated pixel data whatever its size. For each such value the URI factory is asked; it returns the URI
/// (typically a WADO-RS bulkdata URL built from the instance and <see cref="DicomElementPath"/>), or null to
/// write the value inline after all.
/// </summary>
public sealed class DicomBulkDataPolicy
{
    /// <param name="uriFactory">Gives the BulkDataURI for an element at a path, or null to keep the value inline.</param>
    /// <param name="thresholdBytes">Values of at most this many bytes are always written inline.</param>
    public DicomBulkDataPolicy(Func<DicomElementPath, DicomElement, string?> uriFactory, int thresholdBytes = 1024)
    {
        ArgumentNullException.ThrowIfNull(uriFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(thresholdBytes);
        UriFactory = uriFactory;
        ThresholdBytes = thresholdBytes;
    }

    public Func<DicomElementPath, DicomElement, string?> UriFactory { get; }

    public int ThresholdBytes { get; }

    /// <summary>
    /// Whether PS3.18 F.2.2 allows a BulkDataURI for the VR: DS, FL, FD, IS, LT, OB, OD, OF, OL, OV, OW, SL, SS,
    /// ST, SV, UC, UL, UN, US, UT and UV.
    /// </summary>
    public static bool AllowsBulkData(DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        return (vr.Kind is VRKind.Bulk or VRKind.Binary && vr != DicomVR.AT)
            || vr == DicomVR.DS || vr == DicomVR.IS || vr == DicomVR.LT || vr == DicomVR.ST || vr == DicomVR.UC || vr == DicomVR.UT;
    }
}
