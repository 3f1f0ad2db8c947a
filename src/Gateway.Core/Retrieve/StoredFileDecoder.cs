using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Dicom;

namespace Gateway.Core.Retrieve;

/// <summary>
/// The representations whose stored object holds the served Part 10 file's pixels as served: the original as
/// received, the lossless copy (in the lossless transfer syntax its codec names), and the j2k-lossy object (JPEG 2000
/// irreversible, 1.2.840.10008.1.2.4.91, with the lossy flags; decoded by transcoding for clients that do not accept
/// .91). The original, and a copy larger than <see cref="HeaderFreeFile.MaxBytes"/> (stored as a complete file), are streamed as stored, verified (<see cref="RepresentationSource.OpenAsync"/>); a smaller copy
/// of an instance whose header the index holds as a delta is a <see cref="HeaderFreeFile"/>, rebuilt with that header.
/// Registered once for each of the three kinds.
/// </summary>
public sealed class StoredFileDecoder : IRepresentationDecoder
{
    public StoredFileDecoder(StorageKind kind)
    {
        if (kind is not (StorageKind.Original or StorageKind.Lossless or StorageKind.J2kLossy))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only original, lossless and j2k-lossy objects are served as stored.");
        }

        Kind = kind;
    }

    public StorageKind Kind { get; }

    public bool Reconstructs => false;

    /// <summary>The received transfer syntax for the original; the object's codec (a transfer syntax UID) for a lossless or j2k-lossy copy.</summary>
    public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(stored);
        return Kind is StorageKind.Lossless or StorageKind.J2kLossy && DicomTransferSyntax.TryGetKnown(stored.Codec, out _) ? stored.Codec : instance.TransferSyntaxUid;
    }

    public async Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Kind == StorageKind.Original || source.Stored.Size > HeaderFreeFile.MaxBytes
            || await source.ReadDeltaHeaderAsync(cancellationToken).ConfigureAwait(false) is not { } header)
        {
            return await source.OpenAsync(source.Stored, cancellationToken).ConfigureAwait(false);
        }

        var stored = await source.ReadAsync(source.Stored, cancellationToken).ConfigureAwait(false);
        var rebuilt = new MemoryStream();
        HeaderFreeFile.Served(stored, header).Save(rebuilt);
        rebuilt.Position = 0;
        return rebuilt;
    }
}
