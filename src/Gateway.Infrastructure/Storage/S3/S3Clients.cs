using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Gateway.Infrastructure.Storage.S3;

/// <summary>The AWS SDK client for a bucket's settings.</summary>
public static class S3Clients
{
    public static AmazonS3Client Create(S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,

            // Checksums only where an operation requires them: the SDK's default (a CRC trailer in aws-chunked framing)
            // is refused by servers other than AWS (radosgw: HTTP 400 XAmzContentSHA256Mismatch). Integrity is kept by
            // Content-MD5 on every put and part, the signed payload, and the SHA-256 the index records.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.MaxAttempts - 1,
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }

        return string.IsNullOrEmpty(options.AccessKeyId)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config);
    }
}
