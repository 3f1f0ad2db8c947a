using Gateway.Dicom.Codecs.Native;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>
/// 8-bit DCT JPEG through libjpeg-turbo's TurboJPEG API (Debian libturbojpeg0): decodes baseline (.50) and
/// 8-bit extended (.51) frames, encodes baseline.
/// <para>
/// Decoding uses the accurate integer IDCT and libjpeg's default upsampling, so the output equals IJG-based
/// decoders' (DCMTK dcmdjpeg, GDCM) bit for bit. Colour frames are returned as RGB whatever the header says
/// (YBR_FULL_422, YBR_FULL, or RGB over a JFIF/YCbCr stream): the JPEG's own markers decide whether a colour
/// transform is undone, following libjpeg's rule (an Adobe APP14 marker with transform 0 means RGB).
/// 12-bit frames (JPEG Extended process 4) are not decodable by libjpeg-turbo 2.1 and throw a
/// <see cref="DicomCodecException"/> saying so.
/// </para>
/// <para>
/// Encoding: MONOCHROME1/2 as a single component; RGB as YCbCr with 4:2:2 subsampling, to be labelled
/// YBR_FULL_422 (see <see cref="EncodedPhotometricInterpretation"/>); quality <see cref="EncodeOptions.JpegQuality"/>.
/// </para>
/// <para>Instances hold no per-frame state and may be shared between threads.</para>
/// </summary>
public sealed class JpegBaselineCodec : IPixelCodec
{
    private static readonly DicomTransferSyntax[] Syntaxes = [DicomTransferSyntax.JpegBaseline, DicomTransferSyntax.JpegExtended];

    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes => Syntaxes;

    /// <summary>.50 for unsigned 8-bit frames in 8-bit containers: MONOCHROME1/2 (1 sample) or RGB (3 samples).</summary>
    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        return syntax == DicomTransferSyntax.JpegBaseline
            && info.BitsAllocated == 8 && info.BitsStored == 8 && !info.IsSigned
            && info.Rows > 0 && info.Columns > 0
            && info.PhotometricInterpretation switch
            {
                "MONOCHROME1" or "MONOCHROME2" => info.SamplesPerPixel == 1,
                "RGB" => info.SamplesPerPixel == 3,
                _ => false,
            };
    }

    /// <summary>The Photometric Interpretation that <see cref="Encode"/>'s output must be labelled with.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        return info.SamplesPerPixel == 3 ? "YBR_FULL_422" : info.PhotometricInterpretation;
    }

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (Array.IndexOf(Syntaxes, syntax) < 0)
        {
            throw new ArgumentException($"{syntax} is not a JPEG baseline or extended transfer syntax.", nameof(syntax));
        }

        return TurboJpegDecoder.Decode(encoded, info);
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

        ArgumentOutOfRangeException.ThrowIfLessThan(options.JpegQuality, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.JpegQuality, 100, nameof(options));
        return TurboJpegEncoder.Encode(native, info, options.JpegQuality);
    }
}
