namespace Gateway.Core.Retrieve;

/// <summary>
/// A stored object whose bytes are not what the index recorded (its size or SHA-256 differs from its row): the
/// archive is damaged there. A server fault, never a "cannot be served as": DICOMweb answers 500 and C-GET/C-MOVE
/// count a failed sub-operation, each with this message.
/// </summary>
public sealed class DamagedObjectException(string key, string sopInstanceUid, string expected, string actual)
    : Exception($"The stored object {key} of instance {sopInstanceUid} is damaged: the index recorded {expected}, the object store holds {actual}.")
{
    /// <summary>The object's key in the object store.</summary>
    public string Key { get; } = key;

    public string SopInstanceUid { get; } = sopInstanceUid;

    /// <summary>What the index recorded ("N bytes, SHA-256 X").</summary>
    public string Expected { get; } = expected;

    /// <summary>What was read ("N bytes" or "SHA-256 X").</summary>
    public string Actual { get; } = actual;
}
