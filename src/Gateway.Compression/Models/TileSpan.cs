namespace Gateway.Compression.Models;

/// <summary>
/// One tile along one axis: the core [<see cref="CoreStart"/>, <see cref="CoreEnd"/>) whose results the tile
/// contributes, inside the input span [<see cref="InputStart"/>, <see cref="InputEnd"/>) it is run on (the core plus
/// the overlap on each side, cut at the image's edges).
/// </summary>
internal readonly record struct TileSpan(int CoreStart, int CoreEnd, int InputStart, int InputEnd)
{
    public int InputLength => InputEnd - InputStart;

    /// <summary>
    /// Splits [0, <paramref name="length"/>) into cores of <paramref name="core"/> (the last may be shorter), each grown
    /// by <paramref name="overlap"/> on both sides; an input span starts on a multiple of <paramref name="originStep"/>
    /// and ends on a multiple of <paramref name="endStep"/> or at <paramref name="length"/>. A length up to one core
    /// gives one span covering everything.
    /// </summary>
    public static TileSpan[] Split(int length, int core, int overlap, int originStep, int endStep)
    {
        var spans = new List<TileSpan>();
        for (var start = 0; start < length; start += core)
        {
            var end = Math.Min(length, start + core);
            var inputStart = Math.Max(0, FloorTo(start - overlap, originStep));
            var inputEnd = Math.Min(length, CeilTo(end + overlap, endStep));
            spans.Add(new TileSpan(start, end, inputStart, inputEnd));
        }

        return [.. spans];
    }

    private static int FloorTo(int value, int step) => (int)Math.Floor(value / (double)step) * step;

    private static int CeilTo(int value, int step) => (value + step - 1) / step * step;
}
