using Gateway.Core.Archive;
using Gateway.Dicom;

namespace Gateway.Core.Retrieve;

/// <summary>
/// The representations whose stored object is the served Part 10 file: the original as received, and the lossless
/// copy (a complete DICOM file in the lossless transfer syntax its codec names). Streamed as stored, verified
/// (<see cref="RepresentationSource.OpenAsync"/>). Registered once for each of the two kinds.
/// </summary>
public sealed class StoredFileDecoder : IRepresentationDecoder
{
    public StoredFileDecoder(StorageKind kind)
    {
        if (kind is not (StorageKind.Original or StorageKind.Lossless))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only original and lossless objects are served as stored.");
        }

        Kind = kind;
    }

    public StorageKind Kind { get; }

    public bool Reconstructs => false;

    /// <summary>The received transfer syntax for the original; the lossless object's codec (a transfer syntax UID) for a lossless copy.</summary>
    public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(stored);
        return Kind == StorageKind.Lossless && DicomTransferSyntax.TryGetKnown(stored.Codec, out _) ? stored.Codec : instance.TransferSyntaxUid;
    }

    public Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.OpenAsync(source.Stored, cancellationToken);
    }
}
