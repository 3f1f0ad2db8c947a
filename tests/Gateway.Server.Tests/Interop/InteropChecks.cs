namespace Gateway.Server.Tests.Interop;

/// <summary>
/// Collects the outcome of many checks of one peer session so that a failing test lists every interoperability
/// problem at once (a peer run is slow to repeat), then fails with all of them.
/// </summary>
internal sealed class InteropChecks
{
    private readonly List<string> _failures = [];
    private int _count;

    public void Check(bool condition, string what)
    {
        _count++;
        if (!condition)
        {
            _failures.Add(what);
        }
    }

    public void Equal<T>(T expected, T actual, string what) =>
        Check(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {expected}, got {actual}");

    public void SetEqual(IEnumerable<string?> expected, IEnumerable<string?> actual, string what)
    {
        var e = expected.Order(StringComparer.Ordinal).ToList();
        var a = actual.Order(StringComparer.Ordinal).ToList();
        Check(e.SequenceEqual(a), $"{what}: expected [{string.Join(", ", e)}], got [{string.Join(", ", a)}]");
    }

    /// <summary>Fails the test listing every failed check; <paramref name="context"/> (e.g. a peer's log) is appended.</summary>
    public void AssertAllPassed(Func<string>? context = null)
    {
        if (_failures.Count > 0)
        {
            Assert.Fail($"{_failures.Count} of {_count} interoperability checks failed:\n- {string.Join("\n- ", _failures)}" +
                        (context is null ? "" : "\n" + context()));
        }
    }
}
