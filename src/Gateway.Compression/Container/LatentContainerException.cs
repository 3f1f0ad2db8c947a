namespace Gateway.Compression.Container;

/// <summary>What is wrong with bytes that do not read as a latent container.</summary>
public enum LatentContainerError
{
    /// <summary>Fewer bytes than the container needs (a cut-off object).</summary>
    Truncated,

    /// <summary>The bytes do not start with the magic "MVLT": not a latent container at all.</summary>
    NotAContainer,

    /// <summary>A format version this gateway cannot read (written by a newer one).</summary>
    UnsupportedVersion,

    /// <summary>The SHA-256 at the end does not match the bytes before it.</summary>
    ChecksumMismatch,

    /// <summary>The checksum matches but the content is inconsistent (a writer bug, or bytes crafted to look valid).</summary>
    Corrupt,

    /// <summary>A series latent read against another list of SOP Instance UIDs, or another order, than it was made for.</summary>
    SliceOrderMismatch,
}

/// <summary>A latent object that cannot be read; <see cref="Error"/> says why, the message says where.</summary>
public sealed class LatentContainerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LatentContainerException(LatentContainerError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public LatentContainerException(LatentContainerError error, string message, Exception innerException)
        : base(message, innerException) => Error = error;

    /// <summary>What is wrong.</summary>
    public LatentContainerError Error { get; }
}
