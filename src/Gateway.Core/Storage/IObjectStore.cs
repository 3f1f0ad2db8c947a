namespace Gateway.Core.Storage;

/// <summary>What an object store reports about an object it holds.</summary>
public sealed record StoredObject(string Key, long Size, string Sha256);

/// <summary>The object named by a key does not exist.</summary>
public sealed class ObjectNotFoundException(string key) : Exception($"Object '{key}' does not exist.")
{
    public string Key { get; } = key;
}

/// <summary>
/// Durable storage of opaque objects by key (a folder of files, or an S3 bucket). Codecs and compression sit
/// above it; the index records what each object holds.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>; when this returns the object is durable.</summary>
    Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading.</summary>
    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Opens <paramref name="length"/> bytes of an object from <paramref name="offset"/>.</summary>
    Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting one that does not exist is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);
}
