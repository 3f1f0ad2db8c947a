namespace Gateway.Dicom.IO;

/// <summary>
/// The inflating stream of a deflated data set, made safe for hostile input: corrupt compressed data ends in a
/// <see cref="DicomParseException"/> rather than the decoder's InvalidDataException, and output beyond
/// <see cref="DicomReadOptions.MaxInflatedLength"/> is refused, so a small file cannot inflate into gigabytes.
/// </summary>
internal sealed class InflateGuardStream(Stream inflater, long maxLength) : Stream
{
    private long _inflated;

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
        int read;
        try
        {
            read = inflater.Read(buffer);
        }
        catch (InvalidDataException exception)
        {
            throw new DicomParseException($"The deflated data set is corrupt: its Deflate stream fails after {_inflated} inflated bytes ({exception.Message}).", exception);
        }

        _inflated += read;
        if (_inflated > maxLength)
        {
            throw new DicomParseException($"The deflated data set inflates to more than {maxLength} bytes, the limit set by {nameof(DicomReadOptions)}.{nameof(DicomReadOptions.MaxInflatedLength)}.");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inflater.Dispose();
        }

        base.Dispose(disposing);
    }
}
