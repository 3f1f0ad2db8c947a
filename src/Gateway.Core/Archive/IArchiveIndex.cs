using Gateway.Core.Storage;

namespace Gateway.Core.Archive;

/// <summary>
/// An instance already indexed under a SOP Instance UID. <paramref name="ContentSha256"/> is the SHA-256 of its
/// canonical content (<see cref="CanonicalContent"/>); rows stored before that was recorded hold their Part 10 file's.
/// </summary>
public sealed record ExistingInstance(long Id, InstanceState State, string ContentSha256);

/// <summary>Who a study belongs to: Patient ID (0010,0020) and Issuer of Patient ID (0010,0021), empty when absent.</summary>
public sealed record PatientIdentity(string PatientId, string Issuer)
{
    public static PatientIdentity Of(InstanceAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return new(attributes.PatientId, attributes.IssuerOfPatientId);
    }

    public override string ToString() => Issuer.Length == 0 ? $"'{PatientId}'" : $"'{PatientId}' (issuer '{Issuer}')";
}

/// <summary>
/// The answer to phase 1 of a store: a new row to complete, or the instance already there; and the patient the
/// instance's study is stored under, when the study is stored already.
/// </summary>
public sealed record ReceiveTicket(long? InstanceId, ExistingInstance? Existing, PatientIdentity? StudyPatient = null);

/// <summary>A row left in the receiving state (by a crash), with the object it was writing.</summary>
public sealed record AbandonedReceive(long InstanceId, string? PendingObjectKey);

/// <summary>
/// The archive index (PostgreSQL): the storage side. Phase 1 inserts the row as receiving; phase 2, once the
/// object is durable, makes the instance visible, records the object and enqueues its verify job in one
/// transaction.
/// </summary>
public interface IArchiveIndex
{
    /// <summary>Phase 1: a receiving row for <paramref name="instance"/>, or the instance already stored under its UID.</summary>
    Task<ReceiveTicket> BeginReceiveAsync(NewInstance instance, string objectKey, CancellationToken cancellationToken);

    /// <summary>
    /// Phase 2: the original is durable; index the instance in its hierarchy and enqueue its jobs. Throws
    /// <see cref="StudyPatientConflictException"/> (changing nothing) when the study is stored under another patient.
    /// </summary>
    Task CompleteReceiveAsync(long instanceId, NewInstance instance, StoredObject original, CancellationToken cancellationToken);

    /// <summary>Phase 1 undone: the object could not be written.</summary>
    Task AbandonReceiveAsync(long instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a stored instance's content (duplicate policy Replace) in one transaction; returns the keys of the
    /// objects it no longer references, for the caller to delete once committed. Throws
    /// <see cref="StudyPatientConflictException"/> (changing nothing) when the study is stored under another patient.
    /// </summary>
    Task<IReadOnlyList<string>> ReplaceAsync(long instanceId, NewInstance instance, StoredObject original, CancellationToken cancellationToken);

    /// <summary>Rows left receiving by a crash of this node (or of any node, an hour on).</summary>
    Task<IReadOnlyList<AbandonedReceive>> ListAbandonedReceivesAsync(CancellationToken cancellationToken);

    /// <summary>Whether any object row references <paramref name="objectKey"/>.</summary>
    Task<bool> IsReferencedAsync(string objectKey, CancellationToken cancellationToken);
}
