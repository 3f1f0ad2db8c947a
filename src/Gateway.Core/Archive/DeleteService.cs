using Gateway.Core.Retrieve;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Archive;

/// <summary>
/// Deletes a study, series or instance for an admin: the index rows first (one transaction: nothing can find the
/// instances from then on), then every stored object they held and their reconstructed copies in the cache. An
/// object that cannot be removed is logged by key and left as an unreferenced file, never a visible instance.
/// </summary>
public sealed partial class DeleteService(IArchiveDeletion index, IObjectStore objects, IReconstructionCache cache, ILogger<DeleteService> logger)
{
    public async Task<DeletionResult> DeleteAsync(DeletionScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var result = await index.DeleteAsync(scope, cancellationToken).ConfigureAwait(false);
        var failed = 0;
        var deleted = 0;
        foreach (var stored in result.Objects)
        {
            if (stored.Shared)
            {
                cache.Remove(stored.SopInstanceUid, stored.Sha256);
                continue;
            }

            deleted++;
            // The rows are gone: finish removing the files whatever happens to the request.
            try
            {
                await objects.DeleteAsync(stored.Key, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                failed++;
                Log.ObjectNotDeleted(logger, stored.Key, stored.SopInstanceUid, exception.Message);
            }

            cache.Remove(stored.SopInstanceUid, stored.Sha256);
        }

        if (result.Instances > 0)
        {
            Log.Deleted(logger, result.Instances, deleted - failed, scope.StudyInstanceUid, scope.SeriesInstanceUid ?? "*", scope.SopInstanceUid ?? "*");
        }

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7720, Level = LogLevel.Information, Message = "Deleted {Instances} instances and {Objects} stored objects of study {Study}, series {Series}, instance {Instance}")]
        public static partial void Deleted(ILogger logger, int instances, int objects, string study, string series, string instance);

        [LoggerMessage(EventId = 7721, Level = LogLevel.Error, Message = "Could not delete object {Key} of deleted instance {SopInstanceUid}: {Reason}; the file is no longer referenced")]
        public static partial void ObjectNotDeleted(ILogger logger, string key, string sopInstanceUid, string reason);
    }
}
