using System.Buffers.Binary;
using Gateway.Dicom;

namespace Gateway.Core.Compression.Representations;

/// <summary>How the residual of a latent+residual object is coded.</summary>
public enum ResidualCoding : byte
{
    /// <summary>JPEG 2000 irreversible 9/7 codestreams at the rate that just meets a PSNR/SSIM target.</summary>
    Jpeg2000 = 1,

    /// <summary>JPEG-LS near-lossless codestreams with NEAR = k: every residual value within k, so every stored value is.</summary>
    JpegLSNearLossless = 2,
}

/// <summary>
/// A latent+residual object: the latent container and the residual's codestreams, one per frame. Layout (little
/// endian): "MVLR", version 1 (byte), coding (byte), NEAR (uint16, 0 for JPEG 2000), residual bits (byte), frames
/// (uint32), latent length (uint32), the latent container, then per frame its offset (int32), its codestream's
/// length (uint32) and the codestream. The object's SHA-256 is in the index; the latent container has its own checksum.
/// </summary>
public sealed record LatentResidualObject(byte[] Latent, ResidualCoding Coding, int Near, int Bits, int[] Offsets, IReadOnlyList<byte[]> Codestreams)
{
    /// <summary>The codec recorded for latent+residual objects.</summary>
    public const string Codec = "medvae-latent-residual/1";

    private const byte Version = 1;
    private const int FixedLength = 4 + 1 + 1 + 2 + 1 + 4 + 4;
    private static ReadOnlySpan<byte> Magic => "MVLR"u8;

    /// <summary>The transfer syntax of the residual's codestreams.</summary>
    public DicomTransferSyntax ResidualSyntax => SyntaxOf(Coding);

    /// <summary>The bytes of the residual's codestreams (what the residual adds to the latent).</summary>
    public long ResidualBytes => Codestreams.Sum(codestream => (long)codestream.Length);

    public static DicomTransferSyntax SyntaxOf(ResidualCoding coding) => coding switch
    {
        ResidualCoding.Jpeg2000 => DicomTransferSyntax.Jpeg2000,
        ResidualCoding.JpegLSNearLossless => DicomTransferSyntax.JpegLSNearLossless,
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, null),
    };

    /// <summary>The object's bytes.</summary>
    public byte[] Write()
    {
        if (Offsets.Length != Codestreams.Count)
        {
            throw new InvalidOperationException($"{Offsets.Length} offsets for {Codestreams.Count} codestreams.");
        }

        var bytes = new byte[FixedLength + Latent.Length + Codestreams.Sum(codestream => 8 + codestream.Length)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = Version;
        span[5] = (byte)Coding;
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], checked((ushort)Near));
        span[8] = checked((byte)Bits);
        BinaryPrimitives.WriteUInt32LittleEndian(span[9..], (uint)Codestreams.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[13..], (uint)Latent.Length);
        Latent.CopyTo(span[FixedLength..]);
        var position = FixedLength + Latent.Length;
        for (var f = 0; f < Codestreams.Count; f++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], Offsets[f]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(position + 4)..], (uint)Codestreams[f].Length);
            Codestreams[f].CopyTo(span[(position + 8)..]);
            position += 8 + Codestreams[f].Length;
        }

        return bytes;
    }

    /// <exception cref="DicomException">The bytes are not a latent+residual object of version 1, or are cut short.</exception>
    public static LatentResidualObject Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < FixedLength || !bytes[..4].SequenceEqual(Magic))
        {
            throw new DicomException("Not a latent+residual object (no MVLR magic).");
        }

        if (bytes[4] != Version)
        {
            throw new DicomException($"Latent+residual object version {bytes[4]} is not supported (this gateway reads version {Version}).");
        }

        var coding = (ResidualCoding)bytes[5];
        if (coding is not (ResidualCoding.Jpeg2000 or ResidualCoding.JpegLSNearLossless))
        {
            throw new DicomException($"Latent+residual object with unknown residual coding {bytes[5]}.");
        }

        var near = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        var bits = bytes[8];
        var frames = BinaryPrimitives.ReadUInt32LittleEndian(bytes[9..]);
        var latentLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[13..]);
        if (latentLength > bytes.Length - FixedLength || frames > (bytes.Length - FixedLength - latentLength) / 8)
        {
            throw new DicomException("Latent+residual object cut short (its lengths point past its end).");
        }

        var latent = bytes.Slice(FixedLength, (int)latentLength).ToArray();
        var position = FixedLength + (int)latentLength;
        var offsets = new int[frames];
        var codestreams = new List<byte[]>((int)frames);
        for (var f = 0; f < frames; f++)
        {
            if (bytes.Length - position < 8)
            {
                throw new DicomException($"Latent+residual object cut short at frame {f}.");
            }

            offsets[f] = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            if (length > bytes.Length - position - 8)
            {
                throw new DicomException($"Latent+residual object cut short in frame {f}'s codestream.");
            }

            codestreams.Add(bytes.Slice(position + 8, (int)length).ToArray());
            position += 8 + (int)length;
        }

        if (position != bytes.Length)
        {
            throw new DicomException($"Latent+residual object has {bytes.Length - position} bytes after its last codestream.");
        }

        return new LatentResidualObject(latent, coding, near, bits, offsets, codestreams);
    }
}
