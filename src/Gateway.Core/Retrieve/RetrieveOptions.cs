namespace Gateway.Core.Retrieve;

/// <summary>How the retrieve service prefetches: whether it reconstructs the rest of a series once one of its instances was reconstructed, and how many series may wait.</summary>
public sealed class RetrieveOptions
{
    public bool Prefetch { get; init; } = true;

    public int PrefetchQueueCapacity { get; init; } = 64;
}
