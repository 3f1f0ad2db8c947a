using Gateway.Dicom.Codecs.Native;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>
/// JPEG-LS lossless (.80) and near-lossless (.81) through CharLS 2.x (Debian libcharls2).
/// <para>
/// Decoding handles every interleave mode (none, line, sample) and 2-16 bit samples; the output is
/// pixel-interleaved. JPEG-LS samples are unsigned, so signed frames come back as their Bits Stored-bit
/// two's complement patterns, not sign-extended (as DCMTK and GDCM return them).
/// </para>
/// <para>
/// Encoding writes P = Bits Stored, colour sample-interleaved (ILV 2) with no colour transformation (the
/// Photometric Interpretation is unchanged), NEAR 0 for .80 and <see cref="EncodeOptions.JpegLSNear"/> for .81.
/// </para>
/// <para>Instances hold no per-frame state and may be shared between threads.</para>
/// </summary>
public sealed class JpegLsCodec : IPixelCodec
{
    private static readonly DicomTransferSyntax[] Syntaxes = [DicomTransferSyntax.JpegLSLossless, DicomTransferSyntax.JpegLSNearLossless];

    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes => Syntaxes;

    /// <summary>
    /// .80 and .81 for 1 or 3 samples of 2-16 bits in 8- or 16-bit containers: MONOCHROME1/2, PALETTE COLOR
    /// (lossless only), RGB and YBR_FULL.
    /// </summary>
    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        var lossless = syntax == DicomTransferSyntax.JpegLSLossless;
        if (!lossless && syntax != DicomTransferSyntax.JpegLSNearLossless)
        {
            return false;
        }

        return HasSupportedSamples(info) && info.BitsStored >= 2 && info.PhotometricInterpretation switch
        {
            "MONOCHROME1" or "MONOCHROME2" => info.SamplesPerPixel == 1,
            "PALETTE COLOR" => info.SamplesPerPixel == 1 && lossless,
            "RGB" or "YBR_FULL" => info.SamplesPerPixel == 3,
            _ => false,
        };
    }

    /// <summary>The Photometric Interpretation that <see cref="Encode"/>'s output must be labelled with: unchanged.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (Array.IndexOf(Syntaxes, syntax) < 0)
        {
            throw new ArgumentException($"{syntax} is not a JPEG-LS transfer syntax.", nameof(syntax));
        }

        if (!HasSupportedSamples(info))
        {
            throw new DicomCodecException(
                $"JPEG-LS frames with {info.SamplesPerPixel} samples of {info.BitsStored} bits in {info.BitsAllocated}-bit containers are not supported.");
        }

        return CharLSDecoder.Decode(encoded, info);
    }

    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        if (!CanEncode(syntax, info))
        {
            throw new DicomCodecException($"Cannot encode {info.PhotometricInterpretation} frames of {info.SamplesPerPixel} x {info.BitsStored}/{info.BitsAllocated} bits as {syntax}.");
        }

        if (native.Length < info.NativeFrameLength)
        {
            throw new ArgumentException($"The native frame has {native.Length} bytes; {info.NativeFrameLength} expected.", nameof(native));
        }

        var near = syntax == DicomTransferSyntax.JpegLSLossless ? 0 : options.JpegLSNear;
        var maxNear = Math.Min(255, ((1 << info.BitsStored) - 1) / 2);
        if (near < 0 || near > maxNear)
        {
            throw new ArgumentOutOfRangeException(nameof(options), near, $"JpegLSNear must be between 0 and {maxNear} for {info.BitsStored}-bit samples.");
        }

        return CharLSEncoder.Encode(native, info, near);
    }

    private static bool HasSupportedSamples(FrameInfo info) =>
        info.SamplesPerPixel is 1 or 3
        && info.BitsAllocated is 8 or 16
        && info.BitsStored >= 1 && info.BitsStored <= info.BitsAllocated
        && info.Rows > 0 && info.Columns > 0;
}
