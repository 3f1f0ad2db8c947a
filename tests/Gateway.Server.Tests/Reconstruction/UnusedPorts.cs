using Gateway.Core.Archive;
using Gateway.Core.Headers;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>For a retrieve service built by a test that opens instances it located itself: the index is never consulted.</summary>
internal sealed class UnusedIndex : IArchiveReader
{
    public Task<IReadOnlyList<ArchivedInstance>> LocateAsync(RetrieveScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> ReadHeadersAsync(RetrieveScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>?> ReadSliceOrderAsync(string seriesLatentKey, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>For a retrieve service built by a test whose instances need no stored header (originals, a stand-in decoder).</summary>
internal sealed class UnusedHeaderStore : IHeaderStore
{
    public Task<StoredSeriesHeader> GetOrAddAsync(string seriesInstanceUid, byte[] frame, string contentSha256, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StoredSeriesHeader?> LoadAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StoredHeader?> LoadInstanceHeaderAsync(long instanceId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ReplaceInstanceHeaderAsync(long instanceId, StoredHeader header, CancellationToken cancellationToken) => throw new NotSupportedException();
}
