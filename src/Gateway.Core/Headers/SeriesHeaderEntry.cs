using ZstdSharp;

namespace Gateway.Core.Headers;

/// <summary>
/// A verified series header in memory: its content (the dictionary of its instances' deltas) and one compressor with
/// that dictionary loaded, used under its lock (not thread-safe), and one decompressor kept for decoding (see
/// <see cref="Decode"/>).
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

    /// <summary>
    /// The content of <paramref name="delta"/>. Safe from several threads: one of them uses the kept decompressor,
    /// the others each a decompressor of their own for the call (loading a raw-content dictionary is a copy of it,
    /// measured at no more than decoding a delta), so decoding a series' headers in parallel holds one extra
    /// decompressor per thread only while it runs.
    /// </summary>
    public byte[] Decode(ReadOnlySpan<byte> delta, string what)
    {
        if (!_decodeLock.TryEnter())
        {
            using var own = HeaderDeltaCodec.CreateDecompressor(Content);
            return HeaderDeltaCodec.Decode(own, delta, what);
        }

        try
        {
            _decompressor ??= HeaderDeltaCodec.CreateDecompressor(Content);
            return HeaderDeltaCodec.Decode(_decompressor, delta, what);
        }
        catch (HeaderCorruptException)
        {
            // A fresh one for the next delta: nothing of a failed frame's state is carried over.
            _decompressor?.Dispose();
            _decompressor = null;
            throw;
        }
        finally
        {
            _decodeLock.Exit();
        }
    }
}
