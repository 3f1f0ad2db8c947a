using System.Globalization;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>Counts outcomes by category and mutations by kind, and keeps every failure with the case that caused it.</summary>
internal sealed class OutcomeTally
{
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _mutationKinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _examples = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private TimeSpan _slowest;
    private string _slowestKey = "";
    private long _leastHeadroom = long.MaxValue;
    private string _leastHeadroomCase = "";

    public int Total { get; private set; }

    public int ParsedCount => _outcomes.Where(pair => pair.Key.StartsWith("parsed", StringComparison.Ordinal)).Sum(pair => pair.Value);

    public IReadOnlyList<string> Failures => _failures;

    public void Add(FuzzCase fuzzCase, CaseOutcome outcome, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        ArgumentNullException.ThrowIfNull(outcome);
        Total++;
        if (elapsed > _slowest)
        {
            (_slowest, _slowestKey) = (elapsed, fuzzCase.ReplayKey);
        }

        var headroom = ReadAttempt.AllocationLimit(fuzzCase.Input.Length) - outcome.MostAllocated;
        if (headroom < _leastHeadroom)
        {
            (_leastHeadroom, _leastHeadroomCase) = (headroom, $"{outcome.MostAllocated:N0} bytes for a {fuzzCase.Input.Length:N0}-byte input [{fuzzCase.ReplayKey}]");
        }

        Increment(_outcomes, outcome.Category);
        _examples.TryAdd(outcome.Category, fuzzCase.ReplayKey);
        foreach (var mutation in fuzzCase.Mutations)
        {
            Increment(_mutationKinds, mutation[..mutation.IndexOf(':', StringComparison.Ordinal)]);
        }

        if (outcome.Failure is not null)
        {
            _failures.Add($"{fuzzCase.Describe()}{Environment.NewLine}    {outcome.Failure}");
        }
    }

    public void WriteTo(Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        write($"{Total} inputs: {ParsedCount} parsed, {Total - ParsedCount - _failures.Count} rejected with a DicomException, {_failures.Count} failures.");
        write(string.Create(CultureInfo.InvariantCulture, $"Slowest input (all reads, text access and Save): {_slowest.TotalMilliseconds:F0} ms [{_slowestKey}]"));
        write($"Closest to the allocation limit (64 x input + 8 MiB): {_leastHeadroomCase}");
        write("Mutations applied, by kind:");
        foreach (var (kind, count) in _mutationKinds.OrderByDescending(pair => pair.Value))
        {
            write(string.Create(CultureInfo.InvariantCulture, $"  {count,6}  {kind}"));
        }

        write("Outcomes, by category (example replay key):");
        foreach (var (category, count) in _outcomes.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            write(string.Create(CultureInfo.InvariantCulture, $"  {count,6}  {category}   [{_examples[category]}]"));
        }
    }

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
