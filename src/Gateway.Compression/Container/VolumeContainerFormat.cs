using System.Text;

namespace Gateway.Compression.Container;

/// <summary>
/// The bytes of a series latent object: latent container version 2 (docs/latent-container.md). All numbers
/// little-endian:
/// <code>
/// "MVLT"  u16 version (2)  u32 total length (including the checksum)
/// str model id  32 bytes model sha256
/// u32 slices  u32 rows  u32 columns  u8 bits allocated  u8 bits stored  u8 signed
/// f64 volume min  f64 volume max                       the encoder's normalisation
/// slices x (f64 min, f64 max)                          each slice's own range (the decode is clipped to it)
/// 3 x (u32 core voxels, u32 encoder overlap voxels)    tiling of depth, rows, columns
/// 32 bytes SHA-256 of the ordered SOP Instance UIDs    (<see cref="SliceOrder"/>)
/// u8 rank (5)  5 x u32                                 latent shape [1, channels, d, h, w]
/// u8 quantization (2 int8)  channels x (f32 scale, f32 offset)
/// u8 payload codec (1)  u32 codes length  u32 payload length  payload
/// 32 bytes SHA-256 of everything before it
/// </code>
/// The payload codec is version 1's (<see cref="LatentPayloadCodec"/>), each depth slice of a channel one plane.
/// </summary>
public static class VolumeContainerFormat
{
    /// <summary>The format version of series latents.</summary>
    public const int Version = 2;

    private const int Rank = 5;

    /// <summary>The container bytes of <paramref name="container"/>, its latent stored as 8-bit codes per channel.</summary>
    /// <exception cref="ArgumentException">The record is inconsistent (shape against values, slices against ranges, tiling, order hash).</exception>
    public static byte[] Write(VolumeLatentContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        Validate(container);
        var sha256 = LatentContainerFormat.ParseSha256(container.ModelSha256);
        var (depth, height, width) = container.LatentSize;

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            ContainerEnvelope.WritePreamble(writer, Version);
            LatentContainerFormat.WriteString(writer, container.ModelId);
            writer.Write(sha256);
            writer.Write(container.Slices);
            writer.Write(container.Rows);
            writer.Write(container.Columns);
            writer.Write(checked((byte)container.BitsAllocated));
            writer.Write(checked((byte)container.BitsStored));
            writer.Write(container.Signed ? (byte)1 : (byte)0);
            writer.Write(container.Volume.Min);
            writer.Write(container.Volume.Max);
            foreach (var (min, max) in container.SliceRanges)
            {
                writer.Write(min);
                writer.Write(max);
            }

            foreach (var axis in container.Tiling)
            {
                writer.Write(axis.TileSize);
                writer.Write(axis.OverlapPixels);
            }

            writer.Write(container.SliceOrderSha256);
            writer.Write((byte)Rank);
            foreach (var dimension in container.LatentShape)
            {
                writer.Write(dimension);
            }

            var (codes, scales) = LatentQuantizer.ToInt8(container.Latent, frames: 1, container.Channels, depth * height * width);
            writer.Write((byte)LatentQuantization.Int8);
            foreach (var (scale, offset) in scales)
            {
                writer.Write(scale);
                writer.Write(offset);
            }

            var payload = LatentPayloadCodec.Compress(codes, codeSize: 1, width, height * width);
            writer.Write(LatentContainerFormat.PayloadCodecBrotliPlanes);
            writer.Write(codes.Length);
            writer.Write(payload.Length);
            writer.Write(payload);
        }

        return ContainerEnvelope.Seal(stream);
    }

    /// <summary>
    /// The record stored in <paramref name="bytes"/>, its latent dequantized to float32, after checking that it was
    /// made for the slices <paramref name="sopInstanceUids"/> in this order.
    /// </summary>
    /// <exception cref="LatentContainerException">
    /// The bytes are truncated, corrupted, not a container, of another version, or of another slice order
    /// (<see cref="LatentContainerError.SliceOrderMismatch"/>).
    /// </exception>
    public static VolumeLatentContainer Read(ReadOnlySpan<byte> bytes, IReadOnlyList<string> sopInstanceUids)
    {
        ArgumentNullException.ThrowIfNull(sopInstanceUids);
        var reader = new ContainerReader(ContainerEnvelope.CheckedBody(bytes, Version));
        var modelId = reader.String("model id");
        var modelSha256 = Convert.ToHexStringLower(reader.Bytes(32, "model sha256"));
        var slices = reader.Int32("slices");
        var rows = reader.Int32("rows");
        var columns = reader.Int32("columns");
        var bitsAllocated = reader.Byte("bits allocated");
        var bitsStored = reader.Byte("bits stored");
        var signed = reader.Byte("signed") != 0;
        var volume = new FrameNormalization(reader.Double("volume minimum"), reader.Double("volume maximum"));
        if (slices < 1 || slices > (bytes.Length / 16))
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"A series latent of {slices} slices cannot fit {bytes.Length} bytes.");
        }

        var ranges = new FrameNormalization[slices];
        for (var s = 0; s < slices; s++)
        {
            ranges[s] = new FrameNormalization(reader.Double("slice minimum"), reader.Double("slice maximum"));
        }

        var tiling = new TilingInfo[3];
        for (var axis = 0; axis < tiling.Length; axis++)
        {
            tiling[axis] = new TilingInfo(reader.Int32("tile core"), reader.Int32("tile overlap"));
        }

        var order = reader.Bytes(32, "slice order sha256").ToArray();
        if (sopInstanceUids.Count != slices || !order.AsSpan().SequenceEqual(SliceOrder.Sha256(sopInstanceUids)))
        {
            throw new LatentContainerException(
                LatentContainerError.SliceOrderMismatch,
                $"The series latent was made for another slice order: {slices} slices with order SHA-256 {Convert.ToHexStringLower(order)}, asked for {sopInstanceUids.Count} with {Convert.ToHexStringLower(SliceOrder.Sha256(sopInstanceUids))}.");
        }

        var rank = reader.Byte("latent rank");
        if (rank != Rank)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"A series latent has rank {Rank} [1, channels, d, h, w], not {rank}.");
        }

        var shape = new int[Rank];
        for (var d = 0; d < Rank; d++)
        {
            shape[d] = reader.Int32("latent shape");
        }

        if (shape[0] != 1 || shape.Any(d => d <= 0) || (long)shape[1] * shape[2] * shape[3] * shape[4] > Array.MaxLength)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"Inconsistent series latent shape {string.Join('x', shape)}.");
        }

        var quantization = (LatentQuantization)reader.Byte("quantization");
        if (quantization != LatentQuantization.Int8)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"A series latent is int8, not quantization {(int)quantization}.");
        }

        var scales = LatentContainerFormat.ReadScales(ref reader, shape[1]);
        var codec = reader.Byte("payload codec");
        if (codec != LatentContainerFormat.PayloadCodecBrotliPlanes)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"Unknown payload codec {codec}.");
        }

        var count = shape[1] * shape[2] * shape[3] * shape[4];
        var codesLength = reader.Int32("codes length");
        if (codesLength != count)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"The payload holds {codesLength} bytes of codes; a {string.Join('x', shape)} int8 latent needs {count}.");
        }

        var payload = reader.Bytes(reader.Int32("payload length"), "payload");
        if (!reader.AtEnd)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, "The container has bytes between its payload and its checksum.");
        }

        var codes = LatentPayloadCodec.Decompress(payload, codesLength, codeSize: 1, shape[4], shape[3] * shape[4]);
        var latent = LatentQuantizer.FromInt8(codes, scales, shape[2] * shape[3] * shape[4]);
        return new VolumeLatentContainer(
            modelId, modelSha256, slices, rows, columns, bitsAllocated, bitsStored, signed, volume, ranges, tiling, order, shape, latent);
    }

    private static void Validate(VolumeLatentContainer container)
    {
        var shape = container.LatentShape;
        var problem = shape.Length != Rank || shape[0] != 1 || shape.Any(d => d <= 0)
            ? $"latent shape [{string.Join(", ", shape)}], not [1, channels, d, h, w]"
            : (long)shape[1] * shape[2] * shape[3] * shape[4] != container.Latent.Length
                ? $"shape {string.Join('x', shape)} but {container.Latent.Length} values"
                : container.SliceRanges.Count != container.Slices
                    ? $"{container.SliceRanges.Count} slice ranges for {container.Slices} slices"
                    : container.Tiling.Count != 3
                        ? $"tiling of {container.Tiling.Count} axes, not 3"
                        : container.SliceOrderSha256.Length != 32 ? "a slice order hash that is not 32 bytes" : null;
        if (problem is not null)
        {
            throw new ArgumentException($"Inconsistent series latent container: {problem}.", nameof(container));
        }
    }
}
