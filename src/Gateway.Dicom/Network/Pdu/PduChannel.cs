using System.Buffers;
using System.Buffers.Binary;

namespace Gateway.Dicom.Network.Pdu;

/// <summary>A received PDU; its body is rented from the shared pool and returned by <see cref="Dispose"/>.</summary>
internal readonly struct ReceivedPdu(PduType type, byte[] body, int length) : IDisposable
{
    public PduType Type { get; } = type;

    public ReadOnlySpan<byte> Body => body.AsSpan(0, length);

    public ReadOnlyMemory<byte> Memory => body.AsMemory(0, length);

    public void Dispose()
    {
        if (body.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}

/// <summary>Reads and writes whole PDUs on a connection; writes are serialized so PDUs never interleave.</summary>
internal sealed class PduChannel(Stream stream) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _header = new byte[6];

    public Stream Stream => stream;

    /// <summary>Reads the next PDU, or null when the peer closed the connection between PDUs.</summary>
    public async Task<ReceivedPdu?> ReadAsync(int maxLength, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < 6)
        {
            var count = await stream.ReadAsync(_header.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                return read == 0 ? null : throw new DicomAssociationAbortedException("The connection closed in the middle of a PDU header.");
            }

            read += count;
        }

        var type = _header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(2));
        if (type is < 1 or > 7)
        {
            throw new DicomProtocolException($"Unrecognized PDU type 0x{type:X2}.", AbortReason.UnrecognizedPdu);
        }

        if (length > (uint)maxLength)
        {
            throw new DicomProtocolException($"A PDU of type 0x{type:X2} declares {length} bytes, more than the {maxLength} accepted.", AbortReason.InvalidPduParameterValue);
        }

        var body = length == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await stream.ReadExactlyAsync(body.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException exception)
        {
            ArrayPool<byte>.Shared.Return(body);
            throw new DicomAssociationAbortedException($"The connection closed in the middle of a PDU of {length} bytes.", exception);
        }
        catch
        {
            if (body.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            throw;
        }

        return new ReceivedPdu((PduType)type, body, (int)length);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(pdu, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Holds the write lock across several PDUs (one whole DIMSE message).</summary>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_writeLock);
    }

    /// <summary>Writes while the caller holds the lock from <see cref="LockAsync"/>.</summary>
    public ValueTask WriteLockedAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken) =>
        stream.WriteAsync(pdu, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
