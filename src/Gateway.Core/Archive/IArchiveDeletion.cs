namespace Gateway.Core.Archive;

/// <summary>What to delete: a study, one of its series, or one instance of that series.</summary>
public sealed record DeletionScope(string StudyInstanceUid, string? SeriesInstanceUid = null, string? SopInstanceUid = null);

/// <summary>A stored object whose index row was deleted: the object store's key, and the SHA-256 the reconstruction cache keys it by.</summary>
public sealed record DeletedObject(string SopInstanceUid, string Key, string Sha256)
{
    /// <summary>The object is a series latent other members still serve from: only the deleted instance's cached reconstruction goes.</summary>
    public bool Shared { get; init; }
}

/// <summary>How many instances left the index, and the objects they held (still in the object store until removed).</summary>
public sealed record DeletionResult(int Instances, IReadOnlyList<DeletedObject> Objects);

/// <summary>Removes instances from the index in one transaction, with their jobs, and the series headers, series, studies and patients left unused.</summary>
public interface IArchiveDeletion
{
    Task<DeletionResult> DeleteAsync(DeletionScope scope, CancellationToken cancellationToken);
}
