namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// One mutated input: the seed file it came from, the case seed that rebuilds it, and the mutations applied in
/// order. <see cref="Create"/> is deterministic: the same seed bytes and case seed give the same input.
/// </summary>
internal sealed record FuzzCase(string SeedName, int CaseSeed, byte[] Input, IReadOnlyList<string> Mutations)
{
    /// <summary>The value of GATEWAY_FUZZ_REPLAY that rebuilds this input.</summary>
    public string ReplayKey => $"{SeedName}:{CaseSeed}";

    /// <summary>The seed file cut at <paramref name="offset"/>; the case seed is the negated offset (minus one).</summary>
    public static FuzzCase Cut(FuzzSeed seed, int offset, string where)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return new FuzzCase(seed.Name, -1 - offset, seed.Bytes[..offset], [$"{MutationKind.TruncateAtBoundary}: file: systematic cut at 0x{offset:X} ({where})"]);
    }

    /// <summary>Rebuilds a case from its <see cref="ReplayKey"/> seed (negative: a systematic cut).</summary>
    public static FuzzCase Rebuild(FuzzSeed seed, int caseSeed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return caseSeed < 0 ? Cut(seed, -1 - caseSeed, "replayed") : Create(seed, caseSeed);
    }

    public static FuzzCase Create(FuzzSeed seed, int caseSeed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var random = new Random(caseSeed);
        var mutator = new Mutator(random);
        var count = random.Next(10) switch
        {
            < 6 => 1,
            < 9 => 2,
            _ => 3,
        };
        var bytes = seed.Bytes;
        var mutations = new List<string>();
        for (var i = 0; i < count && bytes.Length > 0; i++)
        {
            var (mutated, description) = mutator.Apply(FileLayout.Analyse(bytes));
            bytes = mutated;
            mutations.Add(description);
        }

        return new FuzzCase(seed.Name, caseSeed, bytes, mutations);
    }

    /// <summary>How to rebuild this input: the seed file, the case seed and what was done.</summary>
    public string Describe() =>
        $"seed file {SeedName}, case seed {CaseSeed} (replay: GATEWAY_FUZZ_REPLAY={ReplayKey}), {Input.Length} bytes; "
        + string.Join(" | ", Mutations);
}
