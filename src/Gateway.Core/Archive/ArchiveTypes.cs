namespace Gateway.Core.Archive;

/// <summary>Where an instance is in its life (DESIGN.md: two-phase writes).</summary>
public enum InstanceState
{
    /// <summary>Row written, original not yet durable: invisible to queries and removed by start-up recovery.</summary>
    Receiving,

    /// <summary>The original is durable and indexed.</summary>
    Stored,

    /// <summary>A verified replacement (lossless or latent) serves the instance.</summary>
    Compressed,
}

/// <summary>What an object holds for its instance.</summary>
public enum StorageKind
{
    Original,
    Lossless,
    Latent,

    /// <summary>
    /// The original's data set without its pixel data (Part 10, Explicit VR Little Endian), kept beside a latent so
    /// every header element, bulk values included, outlives the original. Never served as the instance itself.
    /// </summary>
    Header,

    /// <summary>A whole Part 10 file in JPEG 2000 irreversible (1.2.840.10008.1.2.4.91) with the lossy flags ("j2k-lossy").</summary>
    J2kLossy,

    /// <summary>A latent container plus a coded residual ("latent+residual"), reconstructed with the header object beside it.</summary>
    LatentResidual,

    /// <summary>
    /// The AI latent kept beside a non-latent representation ("ai-latent", KeepLatent) for the /latent resources.
    /// Never served as the instance itself.
    /// </summary>
    AiLatent,

    /// <summary>
    /// A slice of a series latent ("latent3d"): one 3D latent object shared by the slices of a series volume, recorded
    /// in series_latents, not as an object row of the instance (<see cref="ArchivedObject.SliceIndex"/> says which slice).
    /// </summary>
    Latent3D,
}

/// <summary>What to do when an instance arrives whose SOP Instance UID is stored already with different content.</summary>
public enum DuplicatePolicy
{
    /// <summary>Keep what is stored and refuse the newcomer (C-STORE 0xA900-class failure, STOW 409 with 0x0111).</summary>
    Reject,

    /// <summary>Store the newcomer and retire the old object, when it comes by C-STORE from a calling AE title allowed to (<see cref="IngestOptions.ReplaceCallingAETitles"/>).</summary>
    Replace,
}

/// <summary>The attributes an instance is indexed and queried by, read from its header.</summary>
public sealed record InstanceAttributes
{
    public required string SopInstanceUid { get; init; }

    public required string SopClassUid { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public string PatientId { get; init; } = string.Empty;

    public string IssuerOfPatientId { get; init; } = string.Empty;

    public string? PatientName { get; init; }

    public string? PatientBirthDate { get; init; }

    public string? PatientSex { get; init; }

    public string? StudyDate { get; init; }

    public string? StudyTime { get; init; }

    public string? AccessionNumber { get; init; }

    public string? StudyId { get; init; }

    public string? StudyDescription { get; init; }

    public string? ReferringPhysicianName { get; init; }

    public string? Modality { get; init; }

    public int? SeriesNumber { get; init; }

    public string? SeriesDescription { get; init; }

    public string? BodyPartExamined { get; init; }

    public string? SeriesDate { get; init; }

    public string? SeriesTime { get; init; }

    public int? InstanceNumber { get; init; }

    public int? Rows { get; init; }

    public int? Columns { get; init; }

    public int? NumberOfFrames { get; init; }
}

/// <summary>An instance about to be stored: its attributes, its header (a delta against its series header), and its content's identity.</summary>
public sealed record NewInstance(
    InstanceAttributes Attributes,
    string TransferSyntaxUid,
    Headers.StoredHeader Header,
    string ContentSha256,
    long OriginalPixelBytes,
    string? CallingAE);

/// <summary>The outcome of storing one instance.</summary>
public enum IngestOutcome
{
    /// <summary>Stored as new (or as a replacement, under <see cref="DuplicatePolicy.Replace"/>).</summary>
    Stored,

    /// <summary>The identical instance is stored already: a success that changes nothing.</summary>
    AlreadyStored,

    /// <summary>A different instance with the same SOP Instance UID is stored and the policy is to reject.</summary>
    Conflict,

    /// <summary>The same SOP Instance UID is being received on another connection right now.</summary>
    Busy,

    /// <summary>Not a valid instance: not DICOM, a data set that does not parse to its end, or a missing identifying UID.</summary>
    Invalid,

    /// <summary>The instance belongs to another study than the one the request named (STOW-RS to /studies/{study}).</summary>
    StudyMismatch,

    /// <summary>The file's meta information names a transfer syntax this gateway does not know.</summary>
    UnsupportedTransferSyntax,

    /// <summary>
    /// The data set parses, but its pixel data does not match its Image Pixel description: fewer bytes than rows x
    /// columns x samples x bits x frames need, or a first frame that does not decode (C-STORE and STOW 0xA900).
    /// </summary>
    InvalidPixelData,

    /// <summary>The instance's Patient ID or Issuer of Patient ID differs from those its study is stored under.</summary>
    PatientConflict,
}

/// <summary>What the ingest service answers: the outcome, the identity of the instance and a readable reason.</summary>
public sealed record IngestResult(IngestOutcome Outcome, string? SopClassUid, string? SopInstanceUid, string? StudyInstanceUid, string Message)
{
    /// <summary>The instance's series, when its header could be read (for retrieve URLs).</summary>
    public string? SeriesInstanceUid { get; init; }

    public bool Succeeded => Outcome is IngestOutcome.Stored or IngestOutcome.AlreadyStored;
}
