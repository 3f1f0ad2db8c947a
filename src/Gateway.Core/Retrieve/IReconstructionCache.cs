namespace Gateway.Core.Retrieve;

/// <summary>
/// Reconstructed instance files (Part 10 bytes), keyed by SOP Instance UID and the SHA-256 of the stored object they
/// were decoded from, so a changed object never answers from an old entry. Bounded; an entry that does not verify is
/// never returned. Gateway.Infrastructure keeps it on disk.
/// </summary>
public interface IReconstructionCache
{
    /// <summary>False when the cache is switched off (every lookup misses, nothing is kept).</summary>
    bool Enabled { get; }

    /// <summary>Whether an entry exists for the key (not yet verified).</summary>
    bool Contains(string sopInstanceUid, string sourceSha256);

    /// <summary>The entry's content, or null when there is none or it does not verify.</summary>
    byte[]? TryGet(string sopInstanceUid, string sourceSha256);

    /// <summary>
    /// Keeps a reconstructed file, unless an entry was removed after <paramref name="decodeStarted"/> (a
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp taken before the stored object was read): that decode may
    /// be of an instance deleted meanwhile, and a deleted instance must leave no copy. Failing to keep it is not an error
    /// (the next request rebuilds it).
    /// </summary>
    void Put(string sopInstanceUid, string sourceSha256, ReadOnlySpan<byte> content, long decodeStarted);

    /// <summary>Removes the entry, if any (its instance was deleted); a decode running meanwhile keeps nothing.</summary>
    void Remove(string sopInstanceUid, string sourceSha256);
}
