using Gateway.Dicom.Codecs.Native;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>
/// JPEG 2000 (Part 1, Part 2 codestreams without Part 2 features, and High-Throughput JPEG 2000) through
/// OpenJPEG 2.5 (Debian libopenjp2-7).
/// <para>
/// Decoding accepts raw codestreams and JP2-wrapped ones. Colour frames whose codestream uses the multiple
/// component transform come out as RGB (OpenJPEG applies the inverse RCT/ICT). Samples keep their bit pattern
/// within Bits Stored and follow the DICOM header's Pixel Representation even where the codestream's SIZ
/// disagrees, as pydicom does with GDCM (see <see cref="OpenJpegDecoder"/>).
/// </para>
/// <para>
/// Encoding writes a raw codestream: lossless (.90) with the reversible 5/3 wavelet, lossy (.91) with the
/// irreversible 9/7 wavelet at <see cref="EncodeOptions.Jpeg2000Ratio"/>. RGB input is encoded with the
/// component transform and must then be labelled YBR_RCT (lossless) or YBR_ICT (lossy), which is what
/// PS3.5 section 8.2.4 requires and what GDCM and DCMTK write; see <see cref="EncodedPhotometricInterpretation"/>.
/// </para>
/// <para>Instances hold no per-frame state and may be shared between threads.</para>
/// </summary>
public sealed class Jpeg2000Codec : IPixelCodec
{
    private static readonly DicomTransferSyntax[] Decodable =
    [
        DicomTransferSyntax.Jpeg2000Lossless,
        DicomTransferSyntax.Jpeg2000,
        DicomTransferSyntax.Jpeg2000Part2MultiComponentLossless,
        DicomTransferSyntax.Jpeg2000Part2MultiComponent,
        DicomTransferSyntax.HtJpeg2000Lossless,
        DicomTransferSyntax.HtJpeg2000RpclLossless,
        DicomTransferSyntax.HtJpeg2000,
    ];

    private readonly int _threads;

    /// <param name="threads">
    /// Threads OpenJPEG may use for one frame: 0 (the default) keeps the library's default, which is the
    /// OPJ_NUM_THREADS environment variable or else one thread; a positive number is passed to opj_codec_set_threads.
    /// </param>
    public Jpeg2000Codec(int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _threads = threads;
    }

    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes => Decodable;

    /// <summary>
    /// .90 and .91 for 1 or 3 samples of 1-16 bits in 8- or 16-bit containers: MONOCHROME1/2, PALETTE COLOR
    /// (lossless only), RGB (gets the component transform) and YBR_FULL (encoded as it is).
    /// </summary>
    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        var lossless = syntax == DicomTransferSyntax.Jpeg2000Lossless;
        if (!lossless && syntax != DicomTransferSyntax.Jpeg2000)
        {
            return false;
        }

        return HasSupportedSamples(info) && info.PhotometricInterpretation switch
        {
            "MONOCHROME1" or "MONOCHROME2" => info.SamplesPerPixel == 1,
            "PALETTE COLOR" => info.SamplesPerPixel == 1 && lossless,
            "RGB" or "YBR_FULL" => info.SamplesPerPixel == 3,
            _ => false,
        };
    }

    /// <summary>The Photometric Interpretation that <see cref="Encode"/>'s output must be labelled with.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (info.SamplesPerPixel == 3 && info.PhotometricInterpretation == "RGB")
        {
            return syntax == DicomTransferSyntax.Jpeg2000Lossless ? "YBR_RCT" : "YBR_ICT";
        }

        return info.PhotometricInterpretation;
    }

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (Array.IndexOf(Decodable, syntax) < 0)
        {
            throw new ArgumentException($"{syntax} is not a JPEG 2000 transfer syntax.", nameof(syntax));
        }

        if (!HasSupportedSamples(info))
        {
            throw new DicomCodecException(
                $"JPEG 2000 frames with {info.SamplesPerPixel} samples of {info.BitsStored} bits in {info.BitsAllocated}-bit containers are not supported.");
        }

        return OpenJpegDecoder.Decode(encoded, info, _threads);
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

        var lossy = syntax == DicomTransferSyntax.Jpeg2000;
        if (lossy && !(options.Jpeg2000Ratio > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Jpeg2000Ratio, "Jpeg2000Ratio must be greater than 1 for lossy JPEG 2000.");
        }

        var componentTransform = info.SamplesPerPixel == 3 && info.PhotometricInterpretation == "RGB";
        return OpenJpegEncoder.Encode(native, info, componentTransform, lossy ? options.Jpeg2000Ratio : 0, _threads);
    }

    private static bool HasSupportedSamples(FrameInfo info) =>
        info.SamplesPerPixel is 1 or 3
        && info.BitsAllocated is 8 or 16
        && info.BitsStored >= 1 && info.BitsStored <= info.BitsAllocated
        && info.Rows > 0 && info.Columns > 0;
}
