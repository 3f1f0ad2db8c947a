using System.Diagnostics;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Retrieve;
using Gateway.Dicom;

namespace Gateway.Compression.Engine;

/// <summary>
/// The retrieve side of a slice of a series latent (<see cref="StorageKind.Latent3D"/>): decodes the slab of slices
/// that holds it (<see cref="IVolumeLatentEngine.SlabOf"/>: 32 latent slices, not the whole volume of a large
/// series) from the verified stored object, builds each slice's file with its own header and the lossy flags of the
/// series latent (the ratio is the volume's: each slice's share of the latent's bytes), and offers the other slices'
/// files to the reconstruction cache, since viewers fetch whole series. One decode at a time per series latent
/// (requests for slices of one series wait, then find their slab in the cache). Explicit VR Little Endian.
/// </summary>
public sealed class SeriesLatentDecoder(IVolumeLatentEngine engine) : IRepresentationDecoder
{
    /// <summary>The value of Lossy Image Compression Method (0028,2114) for slices reconstructed from a series latent.</summary>
    public const string CompressionMethod = "MEDVAE3D";

    /// <summary>Series latents share these locks by the hash of their key: bounded, and one decode at a time for each.</summary>
    private readonly SemaphoreSlim[] _decoding = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public StorageKind Kind => StorageKind.Latent3D;

    public bool Reconstructs => true;

    public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored) => DicomTransferSyntax.ExplicitVRLittleEndian.Uid;

    public async Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var stored = source.Stored;
        var slice = stored.SliceIndex ?? throw new InvalidOperationException($"Instance {source.Instance.SopInstanceUid} is a series latent slice without a slice index.");
        var gate = _decoding[(int)((uint)StringComparer.Ordinal.GetHashCode(stored.Key) % _decoding.Length)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (source.TryGetCached() is { } cached)
            {
                // The slab decode of another slice of this latent made it while this request waited.
                return new MemoryStream(cached, writable: false);
            }

            var started = Stopwatch.GetTimestamp();
            var order = await source.ReadSliceOrderAsync(cancellationToken).ConfigureAwait(false);
            var container = await source.ReadAsync(stored, cancellationToken).ConfigureAwait(false);
            var modelId = stored.ModelId ?? throw new InvalidOperationException($"The series latent {stored.Key} names no model.");
            var (first, count) = engine.SlabOf(modelId, order.Count, slice);
            var pixels = engine.DecodeSlices(container, order, first, count, cancellationToken);
            var lossy = new LossyCompression(CompressionMethod, Math.Max(1, stored.Size / order.Count), $"Reconstructed from slice {slice} of a MedVAE 3D series latent by model {modelId}");
            var own = await BuildAsync(source, pixels, slice - first, lossy, cancellationToken).ConfigureAwait(false);
            foreach (var other in await source.SharingObjectAsync(cancellationToken).ConfigureAwait(false))
            {
                if (other.Stored.SliceIndex is { } index && index >= first && index < first + count && index != slice)
                {
                    var otherLossy = lossy with { Derivation = $"Reconstructed from slice {index} of a MedVAE 3D series latent by model {modelId}" };
                    other.Offer(await BuildAsync(other, pixels, index - first, otherLossy, cancellationToken).ConfigureAwait(false), started);
                }
            }

            return new MemoryStream(own, writable: false);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<byte[]> BuildAsync(RepresentationSource source, PixelFrames slab, int index, LossyCompression lossy, CancellationToken cancellationToken)
    {
        var header = await source.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var pixels = slab with { Frames = 1, Values = slab.Frame(index).ToArray() };
        using var buffer = new MemoryStream();
        source.BuildLossyFile(header, pixels, lossy).Save(buffer);
        return buffer.ToArray();
    }
}
