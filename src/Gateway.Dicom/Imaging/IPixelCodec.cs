namespace Gateway.Dicom.Imaging;

/// <summary>The result of decoding one compressed frame.</summary>
/// <param name="Data">
/// Native pixel data: samples little endian in BitsAllocated containers, colour samples interleaved
/// (Planar Configuration 0), each the BitsStored-bit pattern the bitstream carries with zero high bits;
/// only bitstreams that carry signed values themselves (JPEG 2000 signed components, JPEG lossless
/// differences of signed data as decoded by IJG) give sign-extended samples. This is what DCMTK and
/// GDCM return, so stored values compare byte for byte.
/// </param>
/// <param name="PhotometricInterpretation">
/// The photometric interpretation of <paramref name="Data"/>: a codec that applies a colour transform
/// while decoding (a JPEG decoder's YCbCr to RGB, JPEG 2000's inverse RCT/ICT) reports "RGB".
/// </param>
public sealed record DecodedFrame(byte[] Data, string PhotometricInterpretation);

/// <summary>Options for encoding; each codec reads the ones that apply to it.</summary>
public sealed record EncodeOptions
{
    public static EncodeOptions Default { get; } = new();

    /// <summary>JPEG baseline quality, 1-100.</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>JPEG-LS NEAR parameter for near-lossless encoding (0 is lossless).</summary>
    public int JpegLSNear { get; init; } = 2;

    /// <summary>JPEG 2000 lossy compression ratio (original bytes / compressed bytes).</summary>
    public double Jpeg2000Ratio { get; init; } = 10;

    /// <summary>JPEG lossless (process 14) predictor, 1-7.</summary>
    public int JpegLosslessPredictor { get; init; } = 1;
}

/// <summary>A codec for the pixel data of one (or a family of) encapsulated transfer syntaxes.</summary>
public interface IPixelCodec
{
    /// <summary>The transfer syntaxes whose frames this codec decodes.</summary>
    IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; }

    /// <summary>Whether <see cref="Encode"/> can produce <paramref name="syntax"/> for frames like <paramref name="info"/>.</summary>
    bool CanEncode(DicomTransferSyntax syntax, FrameInfo info);

    /// <summary>Decodes one frame (the concatenated fragments of that frame) into native pixel data.</summary>
    /// <exception cref="DicomCodecException">The bitstream is corrupt or describes an image other than <paramref name="info"/>.</exception>
    DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info);

    /// <summary>
    /// Encodes one native frame (layout as in <see cref="DecodedFrame.Data"/>, but honouring
    /// <see cref="FrameInfo.PlanarConfiguration"/>) into the bitstream of <paramref name="syntax"/>.
    /// </summary>
    byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options);

    /// <summary>
    /// The Photometric Interpretation that <see cref="Encode"/> output carries (PS3.5 8.2: e.g. YBR_FULL_422 for
    /// colour JPEG baseline, YBR_RCT or YBR_ICT for colour JPEG 2000); the input's when the codec keeps it.
    /// </summary>
    string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info);
}
