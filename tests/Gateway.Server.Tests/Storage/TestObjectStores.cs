using Amazon.S3.Model;
using Gateway.Infrastructure.Storage;
using Gateway.Infrastructure.Storage.S3;

namespace Gateway.Server.Tests.Storage;

/// <summary>The object stores every contract test runs against: the folder store and an S3 bucket on a real radosgw.</summary>
public static class TestObjectStores
{
    public const string File = "file";
    public const string S3 = "s3";

    public static TheoryData<string> Kinds => [File, S3];

    /// <summary>A new, empty store of <paramref name="kind"/> (a folder under <paramref name="folder"/>, or a new bucket).</summary>
    public static async Task<ISweepableObjectStore> CreateAsync(string kind, RadosGateway rados, string folder, CancellationToken cancellationToken) => kind switch
    {
        File => new FileSystemObjectStore(Path.Combine(folder, "objects")),
        S3 => await CreateS3Async(rados, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static async Task<S3ObjectStore> CreateS3Async(RadosGateway rados, CancellationToken cancellationToken)
    {
        var options = await rados.CreateBucketAsync(cancellationToken);
        return new S3ObjectStore(S3Clients.Create(options), options);
    }

    /// <summary>
    /// Leaves behind what a put that a crash interrupted leaves: a temporary file in the folder store, an incomplete
    /// multipart upload (one part sent) in a bucket.
    /// </summary>
    public static async Task LeaveUnfinishedPutAsync(ISweepableObjectStore store, RadosGateway rados, string folder, CancellationToken cancellationToken)
    {
        if (store is S3ObjectStore bucket)
        {
            using var client = rados.CreateClient();
            var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket.Bucket, Key = "unfinished" }, cancellationToken);
            await client.UploadPartAsync(
                new UploadPartRequest { BucketName = bucket.Bucket, Key = "unfinished", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[5 << 20]) },
                cancellationToken);
            return;
        }

        await System.IO.File.WriteAllBytesAsync(Path.Combine(folder, "objects", ".tmp", "unfinished"), [7, 8], cancellationToken);
    }

    /// <summary>How many incomplete multipart uploads a bucket holds (0 for the folder store, whose temporary files the caller can see).</summary>
    public static async Task<int> UnfinishedCountAsync(ISweepableObjectStore store, RadosGateway rados, string folder, CancellationToken cancellationToken)
    {
        if (store is S3ObjectStore bucket)
        {
            using var client = rados.CreateClient();
            return (await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket.Bucket }, cancellationToken)).MultipartUploads?.Count ?? 0;
        }

        return Directory.EnumerateFiles(Path.Combine(folder, "objects", ".tmp")).Count();
    }

    /// <summary>Every key the store holds, in order.</summary>
    public static async Task<List<string>> KeysAsync(ISweepableObjectStore store, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListSweepableKeysAsync(cancellationToken))
        {
            keys.Add(key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Replaces an object's bytes behind the index's back (a damaged disk, a tampered bucket).</summary>
    public static async Task DamageAsync(ISweepableObjectStore store, string key, Func<byte[], byte[]> change, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await using (var stream = await store.OpenReadAsync(key, cancellationToken))
        {
            await stream.CopyToAsync(content, cancellationToken);
        }

        await store.PutAsync(key, new MemoryStream(change(content.ToArray())), cancellationToken);
    }
}
