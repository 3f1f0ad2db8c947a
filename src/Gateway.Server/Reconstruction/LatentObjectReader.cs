using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Storage;
using Gateway.Dicom;

namespace Gateway.Server.Reconstruction;

/// <summary>Reads the objects of latent instances (latents and header objects) from the object store, refusing bytes that are not what the index recorded (SHA-256).</summary>
public sealed class LatentObjectReader(IObjectStore objects)
{
    /// <exception cref="DicomException">The object's SHA-256 differs from the index's: it is damaged.</exception>
    public async Task<byte[]> ReadAsync(ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var buffer = new MemoryStream(latent.Size is > 0 and < int.MaxValue ? (int)latent.Size : 0);
        var stream = await objects.OpenReadAsync(latent.Key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var bytes = buffer.ToArray();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha256, latent.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new DicomException($"The {latent.Kind.ToString().ToLowerInvariant()} object {latent.Key} has SHA-256 {sha256}, but the index recorded {latent.Sha256}: it is damaged.");
        }

        return bytes;
    }

    /// <summary>The data set of a header object (the original without its pixel data), checked as <see cref="ReadAsync"/> checks.</summary>
    public async Task<DicomFile> ReadHeaderAsync(ArchivedObject header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var bytes = await ReadAsync(header, cancellationToken).ConfigureAwait(false);
        return DicomFile.Read(new MemoryStream(bytes, writable: false));
    }
}
