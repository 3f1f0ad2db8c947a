using Gateway.Core.Storage;

namespace Gateway.Infrastructure.Storage;

/// <summary>An object store with what the start-up orphan sweep needs besides <see cref="IObjectStore"/>.</summary>
public interface ISweepableObjectStore : IObjectStore
{
    /// <summary>Removes what unfinished puts left (temporary files, incomplete multipart uploads); returns how many.</summary>
    Task<int> DeleteUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>The keys of the objects the sweep may delete when no index row references them.</summary>
    IAsyncEnumerable<string> ListSweepableKeysAsync(CancellationToken cancellationToken);
}
