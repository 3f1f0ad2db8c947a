using System.IO.Compression;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Deflate;

/// <summary>
/// Deflated Image Frame Compression (1.2.840.10008.1.2.8.1, PS3.5 8.2.16 and A.4.13, from Sup 244):
/// each frame is its native pixel data compressed with raw Deflate (RFC 1951, no zlib header or checksum).
/// The native data keeps the data set's Planar Configuration; decoding returns it interleaved.
/// </summary>
public sealed class DeflatedImageFrameCodec : IPixelCodec
{
    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } = [DicomTransferSyntax.DeflatedImageFrameCompression];

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        return syntax == DicomTransferSyntax.DeflatedImageFrameCompression && WhyUnsupported(info) is null;
    }

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        RequireSupported(syntax, info);
        var native = new byte[info.NativeFrameLength];
        int filled;
        unsafe
        {
            fixed (byte* pointer = encoded)
            {
                using var compressed = new UnmanagedMemoryStream(pointer, encoded.Length);
                using var inflater = new DeflateStream(compressed, CompressionMode.Decompress);
                try
                {
                    filled = inflater.ReadAtLeast(native, native.Length, throwOnEndOfStream: false);
                }
                catch (InvalidDataException e)
                {
                    throw new DicomCodecException("Corrupt Deflated Image Frame data: " + e.Message, e);
                }
            }
        }

        if (filled < native.Length)
        {
            throw new DicomCodecException($"Deflated Image Frame data inflates to {filled} bytes; the frame needs {native.Length}.");
        }

        var output = info.PlanarConfiguration == PlanarConfiguration.Planar && info.SamplesPerPixel > 1 ? Interleave(native, info) : native;
        NativeSampleBits.Normalize(output, info);
        return new DecodedFrame(output, info.PhotometricInterpretation);
    }

    /// <summary>Deflates the native frame as it is (its Planar Configuration unchanged); the result is padded to an even length.</summary>
    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        RequireSupported(syntax, info);
        if (native.Length < info.NativeFrameLength)
        {
            throw new DicomCodecException($"The native frame holds {native.Length} bytes; {info.NativeFrameLength} expected.");
        }

        using var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(native[..(int)info.NativeFrameLength]);
        }

        if (output.Length % 2 != 0)
        {
            output.WriteByte(0);
        }

        return output.ToArray();
    }

    private static byte[] Interleave(byte[] planar, FrameInfo info)
    {
        var size = info.BytesPerSample;
        var pixels = info.PixelCount;
        var samples = info.SamplesPerPixel;
        var interleaved = new byte[planar.Length];
        for (var s = 0; s < samples; s++)
        {
            for (var i = 0; i < pixels; i++)
            {
                planar.AsSpan(((s * pixels) + i) * size, size).CopyTo(interleaved.AsSpan(((i * samples) + s) * size));
            }
        }

        return interleaved;
    }

    private static void RequireSupported(DicomTransferSyntax syntax, FrameInfo info)
    {
        if (syntax != DicomTransferSyntax.DeflatedImageFrameCompression)
        {
            throw new DicomCodecException($"{nameof(DeflatedImageFrameCodec)} does not handle {syntax}.");
        }

        var reason = WhyUnsupported(info);
        if (reason is not null)
        {
            throw new DicomCodecException($"Deflated Image Frame Compression: {reason}.");
        }
    }

    private static string? WhyUnsupported(FrameInfo info)
    {
        if (info.BitsAllocated is not (1 or 8 or 16 or 32 or 64))
        {
            return $"BitsAllocated {info.BitsAllocated} is not supported";
        }

        if (info.PhotometricInterpretation is "YBR_FULL_422" or "YBR_PARTIAL_422" or "YBR_PARTIAL_420")
        {
            return $"subsampled {info.PhotometricInterpretation} pixel data is not supported";
        }

        if (info.SamplesPerPixel < 1 || (info.BitsAllocated == 1 && info.SamplesPerPixel != 1))
        {
            return $"{info.SamplesPerPixel} samples of {info.BitsAllocated} bits are not supported";
        }

        return info.NativeFrameLength > Array.MaxLength ? "the frame is too large" : null;
    }

    /// <summary>The Photometric Interpretation is unchanged by this codec.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }
}
