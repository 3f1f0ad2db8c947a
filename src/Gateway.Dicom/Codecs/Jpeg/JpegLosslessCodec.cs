using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG lossless (ITU T.81 process 14) for 1.2.840.10008.1.2.4.57 and 1.2.840.10008.1.2.4.70 (selection value 1),
/// in managed code. Decodes every predictor, point transform, 2-16 bit precision, 1-4 components and restart
/// intervals; encodes 1 or 3 samples of 1-16 bits with optimised Huffman tables.
/// </summary>
/// <remarks>
/// <para>
/// Decoding follows T.81 exactly, which is also what DCMTK's dcmdjpeg (without workaround options) and
/// pydicom+GDCM do; every JPEG lossless file in shared/data decodes bit-exact with both. Reconstruction is
/// modulo 2^16 and predictor 6 is computed without overflow: pylibjpeg-data's JPEGLossless_1s_1f_i_16_16_bad.dcm
/// was written by an encoder that overflowed in predictor 6, and decodes here, as in DCMTK and GDCM, to the
/// scrambled values its stream describes (dcmdjpeg +w6 undoes that encoder bug; this codec does not).
/// Category 16 (a difference of 32768) carries no extra bits (NEMA NM1_JPLL). Fill bytes before markers,
/// a stuffed byte just before EOI, bytes after EOI, tables before the frame header and a missing EOI are accepted.
/// </para>
/// <para>
/// Decoded samples are masked to BitsStored (or sign-extended from it) after the point transform; a stream
/// whose precision exceeds BitsStored (16-bit precision for 12-bit data is common) is accepted.
/// Encoded streams are not padded to even length: the fragment writer pads.
/// </para>
/// </remarks>
public sealed class JpegLosslessCodec : IPixelCodec
{
    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } =
        [DicomTransferSyntax.JpegLossless, DicomTransferSyntax.JpegLosslessSV1];

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info) => WhyCannotEncode(syntax, info) is null;

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        RequireSyntax(syntax);
        if (info.BitsStored < 1 || info.BitsStored > info.BitsAllocated)
        {
            throw new DicomCodecException($"BitsStored {info.BitsStored} does not fit BitsAllocated {info.BitsAllocated}.");
        }

        return new DecodedFrame(JpegLosslessDecoder.Decode(encoded, info), info.PhotometricInterpretation);
    }

    /// <remarks>1.2.840.10008.1.2.4.70 always uses predictor 1; 1.2.840.10008.1.2.4.57 uses <see cref="EncodeOptions.JpegLosslessPredictor"/>.</remarks>
    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        var reason = WhyCannotEncode(syntax, info);
        if (reason is not null)
        {
            throw new DicomCodecException($"Cannot encode {syntax}: {reason}.");
        }

        if (native.Length < info.NativeFrameLength)
        {
            throw new DicomCodecException($"The native frame holds {native.Length} bytes; {info.NativeFrameLength} expected.");
        }

        var predictor = syntax == DicomTransferSyntax.JpegLosslessSV1 ? 1 : options.JpegLosslessPredictor;
        if (predictor is < 1 or > 7)
        {
            throw new DicomCodecException($"JPEG lossless predictor {predictor} is outside 1-7.");
        }

        return JpegLosslessEncoder.Encode(native, info, predictor);
    }

    private void RequireSyntax(DicomTransferSyntax syntax)
    {
        if (!TransferSyntaxes.Contains(syntax))
        {
            throw new DicomCodecException($"{nameof(JpegLosslessCodec)} does not handle {syntax}.");
        }
    }

    private string? WhyCannotEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        if (!TransferSyntaxes.Contains(syntax))
        {
            return "not a JPEG lossless transfer syntax";
        }

        if (info.SamplesPerPixel is not (1 or 3))
        {
            return $"{info.SamplesPerPixel} samples per pixel (1 or 3 supported)";
        }

        if (info.BitsAllocated is not (8 or 16) || info.BitsStored < 1 || info.BitsStored > info.BitsAllocated)
        {
            return $"BitsAllocated {info.BitsAllocated} with BitsStored {info.BitsStored}";
        }

        if (info.PhotometricInterpretation is "YBR_FULL_422" or "YBR_PARTIAL_422" or "YBR_PARTIAL_420")
        {
            return $"subsampled {info.PhotometricInterpretation} pixel data";
        }

        if (info.Rows is < 1 or > ushort.MaxValue || info.Columns is < 1 or > ushort.MaxValue)
        {
            return $"{info.Columns} x {info.Rows} is outside 1-65535";
        }

        return null;
    }

    /// <summary>The Photometric Interpretation is unchanged by this codec.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }
}
