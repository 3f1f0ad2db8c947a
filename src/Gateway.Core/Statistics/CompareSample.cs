namespace Gateway.Core.Statistics;

/// <summary>
/// Which compressed instances the console's sampled compare view draws from: a modality, a representation and a model
/// (each null for any), how many at most, and the seed that fixes which (the same seed, the same sample).
/// </summary>
public sealed record CompareSample(string? Modality, string? Representation, string? Model, int Count, int Seed)
{
    public const int DefaultCount = 8;

    public const int MaxCount = 24;
}
