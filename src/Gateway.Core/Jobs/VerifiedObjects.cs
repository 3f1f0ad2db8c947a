using System.Security.Cryptography;
using Gateway.Core.Storage;

namespace Gateway.Core.Jobs;

/// <summary>The verified writes and whole reads that the compress and series jobs make of the object store.</summary>
internal static class VerifiedObjects
{
    /// <summary>Writes <paramref name="content"/> and checks the store reports its size and SHA-256; deletes it otherwise.</summary>
    public static async Task<StoredObject> PutVerifiedAsync(this IObjectStore objects, string key, byte[] content, CancellationToken cancellationToken)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        var stored = await objects.PutAsync(key, new MemoryStream(content, writable: false), cancellationToken).ConfigureAwait(false);
        if (stored.Sha256 != expected || stored.Size != content.Length)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new IOException($"Object {key} was stored as {stored.Size} bytes with SHA-256 {stored.Sha256}, not {content.Length} bytes with {expected}.");
        }

        return stored;
    }

    /// <summary>Reads an object whole; returns its bytes and their SHA-256 for the caller to compare with the index.</summary>
    public static async Task<(byte[] Bytes, string Sha256)> ReadWholeAsync(this IObjectStore objects, string key, long expectedSize, CancellationToken cancellationToken)
    {
        var content = await objects.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            using var copy = new MemoryStream(expectedSize is > 0 and < int.MaxValue ? (int)expectedSize : 0);
            await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            var bytes = copy.ToArray();
            return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }
}
