using ZstdSharp;

namespace Gateway.Core.Headers;

/// <summary>
/// A verified series header in memory: its content (the dictionary of its instances' deltas) and one compressor with
/// that dictionary loaded, and one decompressor, each used under its lock (neither is thread-safe; loading the
/// dictionary costs more than a delta).
/// </summary>
internal sealed class SeriesHeaderEntry(long id, string seriesInstanceUid, byte[] content)
{
    private readonly Lock _encodeLock = new();
    private readonly Lock _decodeLock = new();
    private Compressor? _compressor;
    private Decompressor? _decompressor;

    public long Id { get; } = id;

    public string SeriesInstanceUid { get; } = seriesInstanceUid;

    public byte[] Content { get; } = content;

    public byte[] Encode(ReadOnlySpan<byte> instanceContent)
    {
        lock (_encodeLock)
        {
            _compressor ??= HeaderDeltaCodec.CreateCompressor(Content);
            return HeaderDeltaCodec.Encode(_compressor, instanceContent);
        }
    }

    public byte[] Decode(ReadOnlySpan<byte> delta, string what)
    {
        lock (_decodeLock)
        {
            _decompressor ??= HeaderDeltaCodec.CreateDecompressor(Content);
            try
            {
                return HeaderDeltaCodec.Decode(_decompressor, delta, what);
            }
            catch (HeaderCorruptException)
            {
                // A fresh one for the next delta: nothing of a failed frame's state is carried over.
                _decompressor.Dispose();
                _decompressor = null;
                throw;
            }
        }
    }
}
