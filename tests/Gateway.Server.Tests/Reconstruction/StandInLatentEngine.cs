using System.Buffers.Binary;
using System.Text;
using Gateway.Core.Compression;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// A latent engine for the retrieval tests, standing in for the model (the retrieval path, not the model, is under
/// test): its "container" holds the geometry and every stored value; decoding gives each value rounded down to an even
/// number, a known, lossy answer the oracle computes on its own (v - (v &amp; 1)). ReadLatent gives the decoded values
/// as float32 [frames, 1, rows, columns].
/// </summary>
public sealed class StandInLatentEngine : ILatentEngine
{
    public const string ModelId = "stand-in-even";

    private static readonly byte[] Magic = "STANDIN1"u8.ToArray();

    public IReadOnlyList<LatentModelInfo> Models { get; } = [new LatentModelInfo(ModelId, 1, 1, new string('0', 64), 99)];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _decodes = new(StringComparer.Ordinal);

    /// <summary>How many times the container with this SHA-256 was decoded (to tell cache hits from reconstructions).</summary>
    public int DecodesOf(string sha256) => _decodes.GetValueOrDefault(sha256);

    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var id = Encoding.UTF8.GetBytes(modelId);
        var bytes = new byte[Magic.Length + (7 * 4) + id.Length + (pixels.Values.Length * 4)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        var offset = Magic.Length;
        foreach (var value in new[] { pixels.Rows, pixels.Columns, pixels.Frames, pixels.BitsAllocated, pixels.BitsStored, pixels.Signed ? 1 : 0, id.Length })
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], value);
            offset += 4;
        }

        id.CopyTo(span[offset..]);
        offset += id.Length;
        foreach (var value in pixels.Values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], value);
            offset += 4;
        }

        return new LatentEncoding(bytes, modelId, "fp16", pixels with { Values = pixels.Values.Select(value => value - (value & 1)).ToArray() }, bytes);
    }

    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken)
    {
        _decodes.AddOrUpdate(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(container)), 1, (_, count) => count + 1);
        var (pixels, _) = Read(container);
        return pixels with { Values = pixels.Values.Select(value => value - (value & 1)).ToArray() };
    }

    public LatentArray ReadLatent(ReadOnlySpan<byte> container)
    {
        var (pixels, modelId) = Read(container);
        return new LatentArray(modelId, [pixels.Frames, 1, pixels.Rows, pixels.Columns], pixels.Values.Select(value => (float)(value - (value & 1))).ToArray());
    }

    private static (PixelFrames Pixels, string ModelId) Read(ReadOnlySpan<byte> container)
    {
        if (!container.StartsWith(Magic))
        {
            throw new InvalidDataException("Not a stand-in container.");
        }

        var header = new int[7];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = BinaryPrimitives.ReadInt32LittleEndian(container[(Magic.Length + (i * 4))..]);
        }

        var offset = Magic.Length + (header.Length * 4);
        var modelId = Encoding.UTF8.GetString(container.Slice(offset, header[6]));
        offset += header[6];
        var values = new int[(container.Length - offset) / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(container[(offset + (i * 4))..]);
        }

        return (new PixelFrames(header[0], header[1], header[2], header[3], header[4], header[5] == 1, values), modelId);
    }
}
