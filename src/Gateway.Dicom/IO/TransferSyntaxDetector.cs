namespace Gateway.Dicom.IO;

/// <summary>
/// Works out how a data set is encoded from its first element, for files without a meta group and to catch
/// files whose meta group declares one encoding while the data set uses another.
/// </summary>
internal static class TransferSyntaxDetector
{
    /// <summary>Detects the transfer syntax of a data set that has no File Meta Information.</summary>
    public static DicomTransferSyntax Detect(ReadOnlySpan<byte> first, List<string> warnings)
    {
        if (first.Length < 8)
        {
            throw new DicomParseException("Not a DICOM file: too short to hold a data element.");
        }

        bool bigEndian;
        if (IsPlausibleFirstGroup(first[0] | (first[1] << 8)))
        {
            bigEndian = false;
        }
        else if (IsPlausibleFirstGroup((first[0] << 8) | first[1]))
        {
            bigEndian = true;
        }
        else
        {
            throw new DicomParseException($"Not a DICOM file: no 'DICM' prefix, and the first bytes ({Convert.ToHexString(first[..4])}) are not a data element tag.");
        }

        var explicitVR = DicomVR.TryParse(first[4], first[5], out _);
        warnings.Add($"No File Meta Information; detected {(explicitVR ? "explicit" : "implicit")} VR {(bigEndian ? "big" : "little")} endian.");
        return (explicitVR, bigEndian) switch
        {
            (true, true) => DicomTransferSyntax.ExplicitVRBigEndian,
            (true, false) => DicomTransferSyntax.ExplicitVRLittleEndian,
            (false, false) => DicomTransferSyntax.ImplicitVRLittleEndian,
            _ => throw new DicomParseException("The data set looks like implicit VR big endian, which no DICOM transfer syntax defines."),
        };
    }

    /// <summary>
    /// The encoding to read the data set with: the declared syntax's, unless its first element plainly uses the
    /// other VR form (a common writer bug), in which case the bytes win and a warning says so.
    /// </summary>
    public static DicomEncoding Confirm(DicomTransferSyntax syntax, ReadOnlySpan<byte> first, List<string> warnings)
    {
        var declared = DicomEncoding.Of(syntax);
        if (first.Length < 8)
        {
            return declared;
        }

        var looksExplicit = DicomVR.TryParse(first[4], first[5], out _);
        if (looksExplicit == declared.ExplicitVR)
        {
            return declared;
        }

        warnings.Add($"The transfer syntax {syntax.Uid} declares {(declared.ExplicitVR ? "explicit" : "implicit")} VR, but the data set is encoded with {(looksExplicit ? "explicit" : "implicit")} VR; reading it as encoded.");
        return declared with { ExplicitVR = looksExplicit };
    }

    private static bool IsPlausibleFirstGroup(int group) => group <= 0x0030 && group % 2 == 0;
}
