using System.Threading.Channels;

namespace Gateway.Dicom.Network;

/// <summary>
/// The data set of a request as a read-only stream, filled by the association's receive loop as P-DATA
/// fragments arrive (bounded, so a slow reader slows the sender down instead of filling memory). If the
/// association ends before the last fragment, reading throws <see cref="DicomAssociationAbortedException"/>:
/// a consumer that writes what it reads somewhere must discard it then.
/// </summary>
internal sealed class DataSetPipe : Stream
{
    private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
    private ReadOnlyMemory<byte> _current;
    private volatile bool _abandoned;
    private long _received;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes received so far (for logs).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Called by the receive loop with one fragment's bytes (copied, since the PDU buffer is reused).</summary>
    public ValueTask AppendAsync(ReadOnlySpan<byte> fragment, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _received, fragment.Length);
        return _abandoned || fragment.IsEmpty ? ValueTask.CompletedTask : _chunks.Writer.WriteAsync(fragment.ToArray(), cancellationToken);
    }

    /// <summary>The last fragment arrived.</summary>
    public void Complete() => _chunks.Writer.TryComplete();

    /// <summary>The association ended before the data set did.</summary>
    public void Fail(Exception exception) => _chunks.Writer.TryComplete(exception);

    /// <summary>The consumer is done (or gave up): further fragments are dropped so the receive loop never blocks on it.</summary>
    public void Abandon()
    {
        _abandoned = true;
        while (_chunks.Reader.TryRead(out _))
        {
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_current.IsEmpty)
        {
            try
            {
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var cause = exception is ChannelClosedException { InnerException: { } inner } ? inner : exception;
                throw new DicomAssociationAbortedException("The association ended before the whole data set was received: " + cause.Message, cause);
            }

            if (!_chunks.Reader.TryRead(out var chunk))
            {
                return 0;
            }

            _current = chunk;
        }

        var count = Math.Min(buffer.Length, _current.Length);
        _current.Span[..count].CopyTo(buffer.Span);
        _current = _current[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
