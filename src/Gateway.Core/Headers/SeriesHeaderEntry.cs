using ZstdSharp;

namespace Gateway.Core.Headers;

/// <summary>
/// A verified series header in memory: its content (the dictionary of its instances' deltas) and one compressor with
/// that dictionary loaded, used under a lock (a compressor is not thread-safe; loading the dictionary costs more
/// than a delta).
/// </summary>
internal sealed class SeriesHeaderEntry(long id, string seriesInstanceUid, byte[] content)
{
    private readonly Lock _lock = new();
    private Compressor? _compressor;

    public long Id { get; } = id;

    public string SeriesInstanceUid { get; } = seriesInstanceUid;

    public byte[] Content { get; } = content;

    public byte[] Encode(ReadOnlySpan<byte> instanceContent)
    {
        lock (_lock)
        {
            _compressor ??= HeaderDeltaCodec.CreateCompressor(Content);
            return HeaderDeltaCodec.Encode(_compressor, instanceContent);
        }
    }
}
