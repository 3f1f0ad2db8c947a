using System.Globalization;
using System.Security.Cryptography;
using Gateway.Core.Archive;

namespace Gateway.Core.Retrieve;

/// <summary>
/// A stored object read forward once, hashed as it goes: more bytes than recorded, or at the end a size or SHA-256
/// other than recorded, throws <see cref="DamagedObjectException"/> from the read that finds it.
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, ArchivedObject stored, RepresentationSource source) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, count);
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
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Account(Span<byte> buffer, int count)
    {
        if (count > 0)
        {
            _read += count;
            if (_read > stored.Size)
            {
                throw source.Damaged(stored, "more than " + _read.ToString(CultureInfo.InvariantCulture) + " bytes");
            }

            _hash.AppendData(buffer[..count]);
            return count;
        }

        if (buffer.Length > 0 && !_verified)
        {
            _verified = true;
            if (_read != stored.Size)
            {
                throw source.Damaged(stored, _read.ToString(CultureInfo.InvariantCulture) + " bytes");
            }

            var sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (!string.Equals(sha256, stored.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw source.Damaged(stored, $"SHA-256 {sha256}");
            }
        }

        return count;
    }
}
