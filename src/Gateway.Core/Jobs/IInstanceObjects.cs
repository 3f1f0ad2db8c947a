using Gateway.Core.Archive;

namespace Gateway.Core.Jobs;

/// <summary>The objects the index records for an instance, by the instance's row id (what jobs refer to).</summary>
public interface IInstanceObjects
{
    /// <summary>The instance's objects; empty when the instance no longer exists.</summary>
    Task<IReadOnlyList<ArchivedObject>> ListAsync(long instanceId, CancellationToken cancellationToken);
}
