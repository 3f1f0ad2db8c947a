using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Managed decoder for the DCT-based JPEG syntaxes libturbojpeg 2.1 cannot decode: 12-bit JPEG Extended
/// (1.2.840.10008.1.2.4.51, process 4) and the retired spectral selection and full progression syntaxes
/// (1.2.840.10008.1.2.4.53 and .4.55), 8 or 12-bit. Decodes bit-exact with DCMTK's dcmdjpeg (libjpeg 6b:
/// islow IDCT, fancy upsampling); YBR_FULL and YBR_FULL_422 data comes out as RGB. Decoding only.
/// </summary>
public sealed class JpegDctCodec : IPixelCodec
{
    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } =
        [DicomTransferSyntax.JpegExtended, DicomTransferSyntax.JpegSpectralSelection, DicomTransferSyntax.JpegFullProgression];

    /// <summary>The sample precision (8 or 12) in a JPEG frame's header, or null when there is none: lets a registry send 12-bit .4.51 frames here and 8-bit ones to libturbojpeg.</summary>
    public static int? ReadPrecision(ReadOnlySpan<byte> encoded) => JpegDctDecoder.ReadPrecision(encoded);

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info) => false;

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (!TransferSyntaxes.Contains(syntax))
        {
            throw new DicomCodecException($"{nameof(JpegDctCodec)} does not handle {syntax}.");
        }

        if (info.BitsAllocated is not (8 or 16) || info.BitsStored < 1 || info.BitsStored > info.BitsAllocated)
        {
            throw new DicomCodecException($"JPEG decodes into 8 or 16-bit samples, not BitsAllocated {info.BitsAllocated} with BitsStored {info.BitsStored}.");
        }

        var (data, converted) = JpegDctDecoder.Decode(encoded, info);
        return new DecodedFrame(data, converted ? "RGB" : info.PhotometricInterpretation);
    }

    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options) =>
        throw new DicomCodecException($"{nameof(JpegDctCodec)} only decodes; it cannot encode {syntax}.");

    /// <summary>The Photometric Interpretation is unchanged by this codec.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }
}
