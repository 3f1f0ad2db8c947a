namespace Gateway.Core.Compression;

/// <summary>The attributes of an instance that compression rules match on.</summary>
public sealed record CompressionSubject(
    string? Modality,
    string? SopClassUid,
    string? CallingAE,
    string? BodyPartExamined,
    string? PhotometricInterpretation,
    int Rows,
    int Columns);
