namespace Gateway.Core.Statistics;

/// <summary>
/// Figures computed over the whole archive: <paramref name="AsOf"/> is when their computation began;
/// <paramref name="Current"/> is false when the archive has changed since (newer figures are being computed).
/// </summary>
public sealed record Figures<T>(T Value, DateTimeOffset AsOf, bool Current);
