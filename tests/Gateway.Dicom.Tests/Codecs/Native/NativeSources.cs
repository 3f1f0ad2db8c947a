namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>Uncompressed files under shared/data used as encoder input.</summary>
internal static class NativeSources
{
    /// <summary>CT, 512 x 512, signed 16-bit.</summary>
    public const string SignedCt = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    /// <summary>MR, 384 x 384, 12 bits stored in 16.</summary>
    public const string Mr12Bit = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm";

    /// <summary>CT, 512 x 512, 8-bit grey.</summary>
    public const string Grey8Bit = "dicom-conformance/dwv-gdcm/gdcm-CT-MONO2-8-abdo.dcm";

    /// <summary>Ultrasound, 640 x 480, 8-bit RGB.</summary>
    public const string Rgb = "dicom-conformance/nema-wg04-compression-samples/US1_UNCR.dcm";
}
