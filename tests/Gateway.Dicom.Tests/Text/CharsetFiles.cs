namespace Gateway.Dicom.Tests.Text;

/// <summary>The fo-dicom character set test files in shared/data and how pydicom views a decoded value.</summary>
internal static class CharsetFiles
{
    public const string RelativeFolder = "dicom-conformance/fo-dicom/charset";

    /// <summary>Every file of the folder, so that each gets its own test case.</summary>
    public static readonly string[] Names =
    [
        "chrArab.dcm", "chrFren.dcm", "chrGB2312.dcm", "chrGerm.dcm", "chrGreek.dcm", "chrH31.dcm", "chrH32.dcm",
        "chrHbrw.dcm", "chrI2.dcm", "chrJapMulti.dcm", "chrJapMultiExplicitIR6.dcm", "chrKoreanMulti.dcm",
        "chrRuss.dcm", "chrSQEncoding.dcm", "chrSQEncoding1.dcm", "chrX1.dcm", "chrX2.dcm",
    ];

    /// <summary>The folder; skips the test when shared/data is absent.</summary>
    public static string Folder => TestData.RequireSharedData(RelativeFolder);

    /// <summary>
    /// A decoded value as pydicom presents it: split into values at backslashes for multi-valued VRs, trailing spaces
    /// and NULs removed from each, and for PN trailing empty component groups (trailing '=') dropped.
    /// </summary>
    public static IReadOnlyList<string> AsPydicomValues(string decoded, DicomVR vr)
    {
        var values = vr.IsMultiValued ? decoded.Split('\\') : [decoded];
        return values.Select(v => Normalize(v, vr)).ToArray();
    }

    /// <summary>The same normalisation applied to a value another tool printed.</summary>
    public static string Normalize(string value, DicomVR vr)
    {
        var trimmed = value.TrimEnd(' ', '\0');
        return vr == DicomVR.PN ? trimmed.TrimEnd('=') : trimmed;
    }
}
