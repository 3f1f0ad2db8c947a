using System.Text;

namespace Gateway.Compression.Container;

/// <summary>
/// The bytes of a latent object (docs/latent-container.md). All numbers little-endian:
/// <code>
/// "MVLT"  u16 version (1)  u32 total length (including the checksum)
/// str model id  32 bytes model sha256
/// u32 rows  u32 columns  u32 frames  u8 bits allocated  u8 bits stored  u8 signed  str photometric interpretation
/// frames x (f64 min, f64 max)                         normalisation of each frame
/// u8 tiled (0|1) [u32 tile size  u32 overlap pixels]  tiling
/// u8 rank (4)  rank x u32                              latent shape [frames, channels, height, width]
/// u8 quantization (1 fp16, 2 int8) [channels x (f32 scale, f32 offset) for int8]
/// u8 payload codec (1: plane delta + byte planes + Brotli)  u32 codes length  u32 payload length  payload
/// 32 bytes SHA-256 of everything before it
/// </code>
/// where str is a u16 length and UTF-8 bytes.
/// </summary>
public static class LatentContainerFormat
{
    /// <summary>The format version this code writes and the newest it reads.</summary>
    public const int Version = 1;

    /// <summary>The payload codec byte: plane delta + byte planes + Brotli (<see cref="LatentPayloadCodec"/>).</summary>
    internal const byte PayloadCodecBrotliPlanes = 1;

    /// <summary>The container bytes of <paramref name="container"/>, its latent stored as <paramref name="quantization"/>.</summary>
    /// <exception cref="ArgumentException">The record is inconsistent (shape against values, frames against normalisation) or a value cannot be stored.</exception>
    public static byte[] Write(LatentContainer container, LatentQuantization quantization)
    {
        ArgumentNullException.ThrowIfNull(container);
        var shape = LatentShape.Validate(container);
        var sha256 = ParseSha256(container.ModelSha256);

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            ContainerEnvelope.WritePreamble(writer, Version);
            WriteString(writer, container.ModelId);
            writer.Write(sha256);
            writer.Write(container.Rows);
            writer.Write(container.Columns);
            writer.Write(container.Frames);
            writer.Write(checked((byte)container.BitsAllocated));
            writer.Write(checked((byte)container.BitsStored));
            writer.Write(container.Signed ? (byte)1 : (byte)0);
            WriteString(writer, container.PhotometricInterpretation);
            foreach (var (min, max) in container.Normalization)
            {
                writer.Write(min);
                writer.Write(max);
            }

            writer.Write(container.Tiling is null ? (byte)0 : (byte)1);
            if (container.Tiling is { } tiling)
            {
                writer.Write(tiling.TileSize);
                writer.Write(tiling.OverlapPixels);
            }

            writer.Write((byte)container.LatentShape.Length);
            foreach (var dimension in container.LatentShape)
            {
                writer.Write(dimension);
            }

            byte[] codes;
            writer.Write((byte)quantization);
            switch (quantization)
            {
                case LatentQuantization.Fp16:
                    codes = LatentQuantizer.ToFp16(container.Latent);
                    break;
                case LatentQuantization.Int8:
                    (codes, var scales) = LatentQuantizer.ToInt8(container.Latent, shape.Frames, shape.Channels, shape.PlaneLength);
                    foreach (var (scale, offset) in scales)
                    {
                        writer.Write(scale);
                        writer.Write(offset);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "Unknown quantization.");
            }

            var payload = LatentPayloadCodec.Compress(codes, codes.Length / container.Latent.Length, shape.Width, shape.PlaneLength);
            writer.Write(PayloadCodecBrotliPlanes);
            writer.Write(codes.Length);
            writer.Write(payload.Length);
            writer.Write(payload);
        }

        return ContainerEnvelope.Seal(stream);
    }

    /// <summary>The record stored in <paramref name="bytes"/>, its latent dequantized to float32.</summary>
    /// <exception cref="LatentContainerException">The bytes are truncated, corrupted, not a container or of a newer version.</exception>
    public static LatentContainer Read(ReadOnlySpan<byte> bytes) => ReadWithQuantization(bytes).Container;

    /// <summary>The record stored in <paramref name="bytes"/> and how its latent was quantized.</summary>
    /// <exception cref="LatentContainerException">The bytes are truncated, corrupted, not a container or of a newer version.</exception>
    public static (LatentContainer Container, LatentQuantization Quantization) ReadWithQuantization(ReadOnlySpan<byte> bytes)
    {
        var body = ContainerEnvelope.CheckedBody(bytes, Version);
        var reader = new ContainerReader(body);
        var modelId = reader.String("model id");
        var modelSha256 = Convert.ToHexStringLower(reader.Bytes(32, "model sha256"));
        var rows = reader.Int32("rows");
        var columns = reader.Int32("columns");
        var frames = reader.Int32("frames");
        var bitsAllocated = reader.Byte("bits allocated");
        var bitsStored = reader.Byte("bits stored");
        var signed = reader.Byte("signed") != 0;
        var photometric = reader.String("photometric interpretation");
        var normalization = new FrameNormalization[frames];
        for (var f = 0; f < frames; f++)
        {
            normalization[f] = new FrameNormalization(reader.Double("frame minimum"), reader.Double("frame maximum"));
        }

        var tiling = reader.Byte("tiling flag") != 0 ? new TilingInfo(reader.Int32("tile size"), reader.Int32("tile overlap")) : null;
        var latentShape = new int[reader.Byte("latent rank")];
        for (var d = 0; d < latentShape.Length; d++)
        {
            latentShape[d] = reader.Int32("latent shape");
        }

        var shape = LatentShape.Read(latentShape, frames);
        var quantization = (LatentQuantization)reader.Byte("quantization");
        var scales = quantization switch
        {
            LatentQuantization.Fp16 => [],
            LatentQuantization.Int8 => ReadScales(ref reader, shape.Channels),
            _ => throw new LatentContainerException(LatentContainerError.Corrupt, $"Unknown quantization {(int)quantization}."),
        };
        var codeSize = quantization == LatentQuantization.Fp16 ? 2 : 1;

        var codec = reader.Byte("payload codec");
        if (codec != PayloadCodecBrotliPlanes)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"Unknown payload codec {codec}.");
        }

        var codesLength = reader.Int32("codes length");
        if (codesLength != (long)shape.Count * codeSize)
        {
            throw new LatentContainerException(
                LatentContainerError.Corrupt, $"The payload holds {codesLength} bytes of codes; a {string.Join('x', latentShape)} {quantization} latent needs {(long)shape.Count * codeSize}.");
        }

        var payload = reader.Bytes(reader.Int32("payload length"), "payload");
        if (!reader.AtEnd)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, "The container has bytes between its payload and its checksum.");
        }

        var codes = LatentPayloadCodec.Decompress(payload, codesLength, codeSize, shape.Width, shape.PlaneLength);
        var latent = quantization == LatentQuantization.Fp16
            ? LatentQuantizer.FromFp16(codes)
            : LatentQuantizer.FromInt8(codes, scales, shape.PlaneLength);

        var container = new LatentContainer(
            modelId, modelSha256, rows, columns, frames, bitsAllocated, bitsStored, signed, photometric,
            normalization, tiling, latentShape, latent);
        return (container, quantization);
    }

    internal static ChannelScale[] ReadScales(ref ContainerReader reader, int channels)
    {
        var scales = new ChannelScale[channels];
        for (var c = 0; c < channels; c++)
        {
            scales[c] = new ChannelScale(reader.Single("channel scale"), reader.Single("channel offset"));
        }

        return scales;
    }

    internal static byte[] ParseSha256(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 2 * ContainerEnvelope.ChecksumLength || !sha256.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"The model sha256 must be 64 hexadecimal digits, not \"{sha256}\".", nameof(sha256));
        }

        return Convert.FromHexString(sha256);
    }

    internal static void WriteString(BinaryWriter writer, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(checked((ushort)bytes.Length));
        writer.Write(bytes);
    }
}
