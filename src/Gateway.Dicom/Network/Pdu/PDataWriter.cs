using System.Buffers.Binary;

namespace Gateway.Dicom.Network.Pdu;

/// <summary>
/// A write-only stream that cuts what is written into PDVs of one presentation context and sends each in a
/// P-DATA-TF PDU no larger than the peer accepts (PS3.8 9.3.5). The last PDV carries the last-fragment bit, so
/// the caller ends with <see cref="CompleteAsync"/>. The caller holds the channel's write lock throughout.
/// </summary>
internal sealed class PDataWriter : Stream
{
    private const int PduHeader = 6;
    private const int PdvHeader = 6;

    /// <summary>Fragment size used when the peer sets no limit (maximum length 0).</summary>
    private const int UnlimitedFragment = 256 * 1024;

    private readonly PduChannel _channel;
    private readonly byte _contextId;
    private readonly bool _command;
    private readonly byte[] _pdu;
    private readonly int _capacity;
    private int _count;
    private bool _completed;

    public PDataWriter(PduChannel channel, byte contextId, bool command, uint peerMaxPduLength)
    {
        _channel = channel;
        _contextId = contextId;
        _command = command;
        var variableField = peerMaxPduLength == 0 ? UnlimitedFragment + PdvHeader : (int)Math.Min(peerMaxPduLength, UnlimitedFragment + PdvHeader);
        _capacity = variableField - PdvHeader;
        if (_capacity < 1)
        {
            throw new DicomNetworkException($"The peer's maximum PDU length {peerMaxPduLength} leaves no room for data.");
        }

        _pdu = new byte[PduHeader + PdvHeader + _capacity];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_count == _capacity)
            {
                _channel.WriteLockedAsync(Fragment(last: false), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            var part = Math.Min(buffer.Length, _capacity - _count);
            buffer[..part].CopyTo(_pdu.AsSpan(PduHeader + PdvHeader + _count));
            _count += part;
            buffer = buffer[part..];
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_count == _capacity)
            {
                await _channel.WriteLockedAsync(Fragment(last: false), cancellationToken).ConfigureAwait(false);
            }

            var part = Math.Min(buffer.Length, _capacity - _count);
            buffer.Span[..part].CopyTo(_pdu.AsSpan(PduHeader + PdvHeader + _count));
            _count += part;
            buffer = buffer[part..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends what is buffered as the last fragment of the command or data set.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await _channel.WriteLockedAsync(Fragment(last: true), cancellationToken).ConfigureAwait(false);
        await _channel.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The buffered bytes as one P-DATA-TF PDU holding one PDV; resets the buffer.</summary>
    private ReadOnlyMemory<byte> Fragment(bool last)
    {
        var pdvLength = _count + 2;
        _pdu[0] = (byte)PduType.DataTransfer;
        _pdu[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(_pdu.AsSpan(2), (uint)(pdvLength + 4));
        BinaryPrimitives.WriteUInt32BigEndian(_pdu.AsSpan(PduHeader), (uint)pdvLength);
        _pdu[PduHeader + 4] = _contextId;
        _pdu[PduHeader + 5] = (byte)((_command ? 1 : 0) | (last ? 2 : 0));
        var length = PduHeader + PdvHeader + _count;
        _count = 0;
        return _pdu.AsMemory(0, length);
    }
}
