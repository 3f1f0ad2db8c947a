using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Gateway.Core.Storage;

namespace Gateway.Infrastructure.Storage.S3;

/// <summary>
/// Objects in an S3 bucket, under <see cref="S3ObjectStoreOptions.Prefix"/>. A put that returns has been answered 200
/// by the server, which then holds the object durably (S3's contract); large objects go up in parts, an upload that
/// fails is aborted, and one a crash interrupted is aborted by the start-up sweep. Every request is retried with
/// backoff by the SDK; reads stream the response body.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, ISweepableObjectStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly S3ObjectStoreOptions _options;

    public S3ObjectStore(IAmazonS3 client, S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Bucket);
        _client = client;
        _options = options;
    }

    public string Bucket => _options.Bucket;

    /// <summary>Fails with a readable message when the bucket cannot be reached or does not exist (checked at start-up).</summary>
    public async Task CheckBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.Prefix, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception exception)
        {
            throw new InvalidOperationException(
                $"S3 bucket '{Bucket}' at {Where} cannot be used: HTTP {(int)exception.StatusCode} {exception.ErrorCode} {exception.Message} (create it, or check Gateway:ObjectStore:S3).",
                exception);
        }
    }

    /// <summary>
    /// The readiness check: one listing of at most one key, given up after <paramref name="timeout"/>; null when the
    /// bucket answered, else why it cannot be used (the server refuses, does not answer, or the bucket is gone).
    /// </summary>
    public async Task<string?> ProblemAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.Prefix, MaxKeys = 1 }, limit.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"S3 bucket '{Bucket}' at {Where} does not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (AmazonS3Exception exception)
        {
            return $"S3 bucket '{Bucket}' at {Where} cannot be used: HTTP {(int)exception.StatusCode} {exception.ErrorCode}";
        }
        catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException or IOException)
        {
            return $"S3 bucket '{Bucket}' at {Where} cannot be reached: {exception.Message}";
        }
    }

    private string Where => _options.ServiceUrl ?? "AWS " + _options.Region;

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new S3Upload(_client, Bucket, NameOf(key), _options.MultipartThresholdBytes).RunAsync(key, content, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        GetAsync(key, new GetObjectRequest { BucketName = Bucket, Key = NameOf(key) }, cancellationToken);

    public async Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return Stream.Null;
        }

        try
        {
            return await GetAsync(key, new GetObjectRequest { BucketName = Bucket, Key = NameOf(key), ByteRange = new ByteRange(offset, offset + length - 1) }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // From the end of the object on there is nothing to read (as from a file).
            return Stream.Null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = NameOf(key) }, cancellationToken).ConfigureAwait(false);

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = NameOf(key) }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Aborts the incomplete multipart uploads under the prefix that are older than <see cref="S3ObjectStoreOptions.OrphanMinAgeSeconds"/>.</summary>
    public async Task<int> DeleteUnfinishedAsync(CancellationToken cancellationToken)
    {
        var before = SweepBefore();
        var abandoned = new List<MultipartUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = _options.Prefix };
        while (true)
        {
            var page = await _client.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            abandoned.AddRange((page.MultipartUploads ?? []).Where(upload => upload.Initiated < before));
            if (page.IsTruncated != true)
            {
                break;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }

        foreach (var upload in abandoned)
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = upload.Key, UploadId = upload.UploadId }, cancellationToken).ConfigureAwait(false);
        }

        return abandoned.Count;
    }

    /// <summary>The keys under the prefix of objects older than <see cref="S3ObjectStoreOptions.OrphanMinAgeSeconds"/>.</summary>
    public async IAsyncEnumerable<string> ListSweepableKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var before = SweepBefore();
        await foreach (var listed in ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (listed.LastModified < before)
            {
                yield return listed.Key;
            }
        }
    }

    /// <summary>Every object under the prefix: its key (without the prefix) and last change.</summary>
    private async IAsyncEnumerable<(string Key, DateTime LastModified)> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = _options.Prefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);

            // An empty page has no list at all (AWSSDK v4).
            foreach (var listed in page.S3Objects ?? [])
            {
                yield return (listed.Key[_options.Prefix.Length..], listed.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
            }

            if (page.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public void Dispose() => _client.Dispose();

    private DateTime SweepBefore() => DateTime.UtcNow - TimeSpan.FromSeconds(_options.OrphanMinAgeSeconds);

    private async Task<Stream> GetAsync(string key, GetObjectRequest request, CancellationToken cancellationToken)
    {
        try
        {
            // The body as it arrives, with the length the server announced; disposing it ends the response.
            var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new BoundedReadStream(response.ResponseStream, response.ContentLength);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(key);
        }
    }

    private string NameOf(string key)
    {
        ObjectKeys.Validate(key);
        return _options.Prefix + key;
    }
}
