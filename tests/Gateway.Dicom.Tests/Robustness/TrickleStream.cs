namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// A read-only, non-seekable stream of unknown length that hands out its bytes in short reads of varying size,
/// as a network stream does: the reader can neither check lengths against the end nor count on full reads.
/// </summary>
internal sealed class TrickleStream(byte[] data, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var available = data.Length - _position;
        if (available == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var count = Math.Min(Math.Min(buffer.Length, available), _random.Next(3) == 0 ? _random.Next(1, 16) : _random.Next(1, 8192));
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
