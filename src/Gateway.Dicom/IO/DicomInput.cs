using System.Buffers.Binary;

namespace Gateway.Dicom.IO;

/// <summary>
/// Buffered, bounds-checked reading of DICOM-encoded bytes from a stream. Lengths taken from the data are
/// never trusted for allocation: against a stream of known length they are checked before reading, and
/// against a stream of unknown length values grow in chunks as bytes actually arrive.
/// </summary>
internal sealed class DicomInput
{
    private const int ChunkSize = 1 << 20;

    private readonly Stream _stream;
    private readonly long? _length;
    private byte[] _buffer;
    private int _position;
    private int _count;
    private long _bufferStart;

    public DicomInput(Stream stream, int bufferSize = 64 * 1024)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        if (stream.CanSeek)
        {
            _bufferStart = stream.Position;
            _length = stream.Length;
        }
    }

    /// <summary>Bytes consumed from the start of the stream (or from where reading started).</summary>
    public long Position => _bufferStart + _position;

    /// <summary>Bytes left, when the stream's length is known.</summary>
    public long? Remaining => _length - Position;

    /// <summary>True when no byte is left.</summary>
    public bool AtEnd => !Ensure(1);

    /// <summary>The unread part of the buffer followed by the rest of the stream (for switching to a Deflate decoder).</summary>
    public Stream RemainingStream() => new PrefixedStream(_buffer.AsMemory(_position, _count - _position), _stream);

    /// <summary>Makes at least <paramref name="count"/> bytes available in the buffer; false at end of data.</summary>
    public bool Ensure(int count)
    {
        if (_count - _position >= count)
        {
            return true;
        }

        if (count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        }

        if (_position > 0)
        {
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, _count - _position);
            _count -= _position;
            _bufferStart += _position;
            _position = 0;
        }

        while (_count < count)
        {
            var read = _stream.Read(_buffer, _count, _buffer.Length - _count);
            if (read == 0)
            {
                return false;
            }

            _count += read;
        }

        return true;
    }

    /// <summary>The next bytes without consuming them; shorter than asked only at the end of data.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        Ensure(count);
        return _buffer.AsSpan(_position, Math.Min(count, _count - _position));
    }

    public ushort ReadUInt16(bool bigEndian)
    {
        Require(2, "a 16-bit value");
        var span = _buffer.AsSpan(_position, 2);
        _position += 2;
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    public uint ReadUInt32(bool bigEndian)
    {
        Require(4, "a 32-bit value");
        var span = _buffer.AsSpan(_position, 4);
        _position += 4;
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, or throws naming <paramref name="what"/>.</summary>
    public byte[] ReadBytes(long length, string what) => ReadBytes(length, what, static what => what);

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes, or throws naming what <paramref name="describe"/> makes of
    /// <paramref name="state"/>. The name is built only for an error: formatting it for every element read cost a
    /// fifth of the time of parsing a header.
    /// </summary>
    public byte[] ReadBytes<TState>(long length, TState state, Func<TState, string> describe)
    {
        if (length > Array.MaxLength)
        {
            throw new DicomParseException($"{describe(state)} declares a length of {length} bytes at offset {Position}, more than this reader can hold.");
        }

        if (Remaining is long remaining && length > remaining)
        {
            throw new DicomParseException($"{describe(state)} declares a length of {length} bytes at offset {Position}, but only {remaining} bytes remain.");
        }

        var size = (int)length;
        if (Remaining is not null || size <= ChunkSize)
        {
            var value = GC.AllocateUninitializedArray<byte>(size);
            Fill(value, state, describe, length);
            return value;
        }

        // Unknown stream length: grow as the bytes arrive so a forged length cannot make us allocate it up front.
        using var collected = new MemoryStream();
        var chunk = new byte[ChunkSize];
        var left = size;
        while (left > 0)
        {
            var part = Math.Min(left, chunk.Length);
            Fill(chunk.AsSpan(0, part), state, describe, length);
            collected.Write(chunk, 0, part);
            left -= part;
        }

        return collected.ToArray();
    }

    /// <summary>Skips <paramref name="length"/> bytes, seeking when the stream allows.</summary>
    public void Skip(long length, string what)
    {
        if (Remaining is long remaining && length > remaining)
        {
            throw new DicomParseException($"Skipping {what} needs {length} bytes at offset {Position}, but only {remaining} bytes remain.");
        }

        var buffered = _count - _position;
        if (length <= buffered)
        {
            _position += (int)length;
            return;
        }

        length -= buffered;
        _bufferStart += _count;
        _position = 0;
        _count = 0;
        if (_stream.CanSeek)
        {
            _stream.Seek(length, SeekOrigin.Current);
            _bufferStart += length;
            return;
        }

        while (length > 0)
        {
            var read = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, length));
            if (read == 0)
            {
                throw new DicomParseException($"{what}: the data ends {length} bytes before the end of its value.");
            }

            _bufferStart += read;
            length -= read;
        }
    }

    private void Require(int count, string what)
    {
        if (!Ensure(count))
        {
            throw new DicomParseException($"Unexpected end of data at offset {Position} while reading {what}.");
        }
    }

    private void Fill<TState>(Span<byte> destination, TState state, Func<TState, string> describe, long declared)
    {
        var buffered = Math.Min(_count - _position, destination.Length);
        _buffer.AsSpan(_position, buffered).CopyTo(destination);
        _position += buffered;
        var filled = buffered;
        while (filled < destination.Length)
        {
            var read = _stream.Read(destination[filled..]);
            if (read == 0)
            {
                throw new DicomParseException($"{describe(state)} declares a length of {declared} bytes, but the data ends at offset {Position + filled}.");
            }

            filled += read;
        }

        if (filled > buffered)
        {
            // The buffer was used up and the rest came straight from the stream.
            _bufferStart += _count + (long)(filled - buffered);
            _position = 0;
            _count = 0;
        }
    }
}
