using System.ComponentModel.DataAnnotations;

namespace Gateway.Infrastructure.Storage.S3;

/// <summary>
/// An S3 bucket (AWS, Ceph radosgw, MinIO...). Credentials come from <see cref="AccessKeyId"/> and
/// <see cref="SecretAccessKey"/> when set, else from the usual AWS sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
/// AWS_PROFILE and ~/.aws, an instance or pod role).
/// </summary>
public sealed class S3ObjectStoreOptions
{
    /// <summary>The service URL of an S3-compatible server (http://127.0.0.1:7480); empty for AWS itself (then <see cref="Region"/> picks the endpoint).</summary>
    public string? ServiceUrl { get; set; }

    public string Bucket { get; set; } = string.Empty;

    /// <summary>The region requests are signed for (AWS: the bucket's region; most other servers accept us-east-1).</summary>
    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Prepended to every object key, so that one bucket can hold more than the gateway's objects (e.g. "gateway/").</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Path-style addressing (http://host/bucket/key): what S3-compatible servers without wildcard DNS need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Objects larger than this are uploaded in parts of this size (S3 asks at least 5 MiB per part).</summary>
    [Range(5L << 20, 5L << 30)]
    public long MultipartThresholdBytes { get; set; } = 16L << 20;

    /// <summary>Attempts of one request before its error is returned (the SDK's standard retry mode: exponential backoff with jitter).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long one request may take.</summary>
    [Range(1, 3600)]
    public double RequestTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// The start-up orphan sweep leaves unreferenced objects and unfinished multipart uploads younger than this: in a
    /// bucket that several nodes share, such an object may be another node's put whose index row is about to be
    /// written. A single node may set 0.
    /// </summary>
    [Range(0, 7 * 86400)]
    public double OrphanMinAgeSeconds { get; set; } = 3600;
}
