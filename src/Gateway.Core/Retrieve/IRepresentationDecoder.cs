using Gateway.Core.Archive;

namespace Gateway.Core.Retrieve;

/// <summary>
/// Turns one stored representation (a <see cref="StorageKind"/>) back into the Part 10 file of its instance. The
/// project that owns a representation registers its decoder once (as an <see cref="IRepresentationDecoder"/>
/// singleton); <see cref="RetrieveService"/> picks the decoder of the object that serves an instance.
/// </summary>
public interface IRepresentationDecoder
{
    /// <summary>The kind of stored object this decoder reads.</summary>
    StorageKind Kind { get; }

    /// <summary>
    /// False: the stored object is the served file itself and is streamed as is. True: the file is built by decoding;
    /// the retrieve service then shares one decode between concurrent requests, caches the result in
    /// <see cref="IReconstructionCache"/> and prefetches the rest of the series.
    /// </summary>
    bool Reconstructs { get; }

    /// <summary>The transfer syntax UID of the file <see cref="OpenAsync"/> gives for <paramref name="stored"/>.</summary>
    string ServedSyntax(ArchivedInstance instance, ArchivedObject stored);

    /// <summary>Opens the file; read the stored objects through <paramref name="source"/> (it verifies them).</summary>
    /// <exception cref="DamagedObjectException">A stored object is not what the index recorded.</exception>
    Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken);
}
