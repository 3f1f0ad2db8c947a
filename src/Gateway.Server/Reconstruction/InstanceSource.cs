using Gateway.Core.Archive;
using Gateway.Core.Storage;
using Gateway.Dicom;

namespace Gateway.Server.Reconstruction;

/// <summary>
/// The one place every retrieval path (WADO-RS, WADO-URI, C-GET, C-MOVE) gets the DICOM file of an archived instance
/// from: the original, the lossless or the j2k-lossy object as stored (each a complete DICOM file, in a lossless
/// syntax or in JPEG 2000 irreversible with the lossy flags), or, for an instance kept as a latent or a
/// latent+residual, the file reconstructed from its header and decoded latent (plus residual)
/// (<see cref="LatentReconstructor"/>). A latent reconstructed afresh queues the rest of its series for prefetch.
/// Metadata never comes here: it is the header in PostgreSQL.
/// </summary>
public sealed class InstanceSource(IObjectStore objects, LatentReconstructor reconstructor, ReconstructionPrefetcher prefetcher, LatentObjectReader latents)
{
    /// <summary>
    /// The transfer syntax of the file <see cref="OpenAsync"/> gives: the received one for the original, the lossless
    /// or j2k-lossy object's (its codec, a transfer syntax UID) for those, Explicit VR Little Endian for a reconstruction.
    /// </summary>
    public static string ServedSyntax(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Serving switch
        {
            { Kind: StorageKind.Lossless or StorageKind.J2kLossy, Codec: var codec } when DicomTransferSyntax.TryGetKnown(codec, out _) => codec,
            { Kind: StorageKind.Latent or StorageKind.LatentResidual } => DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
            _ => instance.TransferSyntaxUid,
        };
    }

    /// <summary>Opens the Part 10 file an instance is served as (stored objects are streamed, never held in memory).</summary>
    public async Task<Stream> OpenAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var serving = instance.Serving ?? throw new InvalidOperationException($"Instance {instance.SopInstanceUid} has no object.");
        if (serving.Kind is not (StorageKind.Latent or StorageKind.LatentResidual))
        {
            return await objects.OpenReadAsync(serving.Key, cancellationToken).ConfigureAwait(false);
        }

        var reconstruction = await reconstructor.ReconstructAsync(instance, serving, cancellationToken).ConfigureAwait(false);
        if (!reconstruction.FromCache)
        {
            prefetcher.QueueSeriesOf(instance);
        }

        return new MemoryStream(reconstruction.Content, writable: false);
    }

    /// <summary>
    /// The header object of an instance served from its latent (every element but the pixel data, as received), read
    /// without decoding the latent; null when the instance is served from another object or has no header object
    /// (compressed before header objects were kept).
    /// </summary>
    public async Task<DicomFile?> ReadKeptHeaderAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Serving is not { Kind: StorageKind.Latent or StorageKind.LatentResidual } || instance.Header is not { } header)
        {
            return null;
        }

        return await latents.ReadHeaderAsync(header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the whole file an instance is served as (for transcoding, frames, rendering, bulk data and DIMSE).</summary>
    public async Task<DicomFile> ReadAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(instance, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream is MemoryStream)
            {
                return DicomFile.Read(stream);
            }

            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, 1 << 16, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            return DicomFile.Read(buffer);
        }
    }
}
