using Gateway.Infrastructure.Storage.S3;

namespace Gateway.Infrastructure.Storage;

/// <summary>Where stored objects live: section "Gateway:ObjectStore" (GATEWAY__OBJECTSTORE__KIND=S3 and so on).</summary>
public sealed class ObjectStoreOptions
{
    public const string SectionName = "Gateway:ObjectStore";

    /// <summary>File (the default: the objects folder under the data folder) or S3.</summary>
    public ObjectStoreKind Kind { get; set; } = ObjectStoreKind.File;

    /// <summary>The bucket and how to reach it, when <see cref="Kind"/> is S3.</summary>
    public S3ObjectStoreOptions S3 { get; set; } = new();
}

public enum ObjectStoreKind
{
    File,
    S3,
}
