using System.Security.Cryptography;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// The "verify" job: re-reads every object the index records for the instance from the object store and checks
/// its size and SHA-256 against the index. A mismatch fails the job for good (and says so in the log); a missing
/// object is retried, since a concurrent replacement may have just retired it.
/// </summary>
public sealed partial class VerifyJobHandler(IInstanceObjects index, IObjectStore objects, ILogger<VerifyJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "verify";

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.InstanceId is not { } instanceId)
        {
            throw new PermanentJobFailureException($"Verify job {job.Id} names no instance.");
        }

        foreach (var stored in await index.ListAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            var (size, sha256) = await HashAsync(stored.Key, cancellationToken).ConfigureAwait(false);
            if (sha256 != stored.Sha256 || size != stored.Size)
            {
                Log.Mismatch(logger, instanceId, stored.Key, stored.Size, stored.Sha256, size, sha256);
                throw new PermanentJobFailureException(
                    $"Object {stored.Key} of instance {instanceId} is corrupt: the index records {stored.Size} bytes with SHA-256 {stored.Sha256}, the store holds {size} bytes with SHA-256 {sha256}.");
            }
        }
    }

    private async Task<(long Size, string Sha256)> HashAsync(string key, CancellationToken cancellationToken)
    {
        var content = await objects.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                long size = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    size += read;
                }

                return (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "VERIFY FAILED: instance {InstanceId} object {Key}: index has {ExpectedSize} bytes sha256 {ExpectedSha256}, store has {ActualSize} bytes sha256 {ActualSha256}")]
        public static partial void Mismatch(ILogger logger, long instanceId, string key, long expectedSize, string expectedSha256, long actualSize, string actualSha256);
    }
}
