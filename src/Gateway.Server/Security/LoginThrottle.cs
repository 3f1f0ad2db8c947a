using System.Collections.Concurrent;
using System.Net;

namespace Gateway.Server.Security;

/// <summary>
/// Failed sign-ins per client address (<see cref="ClientPartition.AddressOf"/>: behind a trusted proxy, the address it
/// forwarded for, so that one client's failures do not lock out everyone behind the proxy): after <see cref="MaxFailures"/> within <see cref="Window"/> the address is
/// refused (429) until the window that began with its first failure ends.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Addresses tracked before expired windows are swept (a bound on memory under a spray of addresses).
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="address"/> must wait before it may try again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (!_failures.TryGetValue(Key(address), out var failures))
        {
            return null;
        }

        var left = failures.WindowStart + Window - time.GetUtcNow();
        return failures.Count >= MaxFailures && left > TimeSpan.Zero ? left : null;
    }

    public void Failed(IPAddress? address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > SweepAbove)
        {
            foreach (var (key, failures) in _failures)
            {
                if (failures.WindowStart + Window <= now)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }

        _failures.AddOrUpdate(
            Key(address),
            _ => new Failures(now, 1),
            (_, failures) => failures.WindowStart + Window <= now ? new Failures(now, 1) : failures with { Count = failures.Count + 1 });
    }

    public void Succeeded(IPAddress? address) => _failures.TryRemove(Key(address), out _);

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    private sealed record Failures(DateTimeOffset WindowStart, int Count);
}
