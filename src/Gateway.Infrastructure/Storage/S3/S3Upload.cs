using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Gateway.Core.Storage;

namespace Gateway.Infrastructure.Storage.S3;

/// <summary>
/// One put: the content is read in pieces of the multipart threshold into one pooled buffer; content that fits in one
/// piece goes up as a single PUT, longer content as a multipart upload of such parts (aborted when anything fails).
/// Each request carries the Content-MD5 of its bytes, so the server refuses what did not arrive intact; the SHA-256
/// of the whole content is what the index records. A buffer (not the caller's stream) is sent, so a retry resends the
/// same bytes.
/// </summary>
internal sealed class S3Upload(IAmazonS3 client, string bucket, string name, long partBytes)
{
    public async Task<StoredObject> RunAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        // A buffer of the content's size where it is known and smaller than a part; grown to a part if more arrives.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(content.CanSeek ? content.Length - content.Position : partBytes, 1, partBytes));
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var filled = await FillAsync(content, buffer, 0, (int)Math.Min(buffer.Length, partBytes), sha, cancellationToken).ConfigureAwait(false);
            if (filled == buffer.Length && filled < partBytes)
            {
                var larger = ArrayPool<byte>.Shared.Rent((int)partBytes);
                buffer.AsSpan(0, filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
                filled += await FillAsync(content, buffer, filled, (int)partBytes - filled, sha, cancellationToken).ConfigureAwait(false);
            }

            if (filled < partBytes)
            {
                await client.PutObjectAsync(
                    new PutObjectRequest
                    {
                        BucketName = bucket,
                        Key = name,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        MD5Digest = Md5(buffer.AsSpan(0, filled)),
                        AutoCloseStream = true,
                    },
                    cancellationToken).ConfigureAwait(false);
                return new StoredObject(key, filled, Convert.ToHexStringLower(sha.GetHashAndReset()));
            }

            var size = await MultipartAsync(content, buffer, filled, sha, cancellationToken).ConfigureAwait(false);
            return new StoredObject(key, size, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<long> MultipartAsync(Stream content, byte[] buffer, int filled, IncrementalHash sha, CancellationToken cancellationToken)
    {
        var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = name }, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            long size = 0;
            while (filled > 0)
            {
                var part = await client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = name,
                        UploadId = upload.UploadId,
                        PartNumber = parts.Count + 1,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        PartSize = filled,
                        MD5Digest = Md5(buffer.AsSpan(0, filled)),
                    },
                    cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                size += filled;
                filled = await FillAsync(content, buffer, 0, (int)partBytes, sha, cancellationToken).ConfigureAwait(false);
            }

            await client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = bucket, Key = name, UploadId = upload.UploadId, PartETags = parts },
                cancellationToken).ConfigureAwait(false);
            return size;
        }
        catch
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = name, UploadId = upload.UploadId }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads into the buffer from <paramref name="offset"/> until <paramref name="count"/> bytes came or the content ends; hashes them; returns how many came.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int offset, int count, IncrementalHash sha, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < count && (read = await content.ReadAsync(buffer.AsMemory(offset + filled, count - filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        sha.AppendData(buffer, offset, filled);
        return filled;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "Content-MD5 is S3's integrity check of a request body, not a security measure.")]
    private static string Md5(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(MD5.HashData(bytes));
}
