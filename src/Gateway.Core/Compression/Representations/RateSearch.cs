namespace Gateway.Core.Compression.Representations;

/// <summary>
/// Bisection for the highest compression ratio whose trial still qualifies. Quality falls as the ratio rises, so the
/// search tries the top of the range first (the cheapest answer), then the bottom (if even that fails nothing in the
/// range qualifies), then halves the range on a log scale until its ends are within <see cref="Precision"/> of each
/// other: the answer's bytes are then within about 2% of the fewest that meet the target.
/// </summary>
public static class RateSearch
{
    /// <summary>The ratio of the range's ends at which the search stops.</summary>
    public const double Precision = 1.02;

    /// <summary>The most trials one search runs.</summary>
    public const int MaxTrials = 14;

    /// <summary>
    /// The qualifying trial with the highest ratio in [<paramref name="low"/>, <paramref name="high"/>]; null when the
    /// range is empty or not even <paramref name="low"/> qualifies. <paramref name="tried"/> counts the trials run.
    /// </summary>
    public static T? Highest<T>(double low, double high, Func<double, (bool Qualifies, T Result)> trial, out int tried)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(trial);
        tried = 0;
        if (!(low > 0) || high < low)
        {
            return null;
        }

        tried++;
        var top = trial(high);
        if (top.Qualifies)
        {
            return top.Result;
        }

        tried++;
        var bottom = trial(low);
        if (!bottom.Qualifies)
        {
            return null;
        }

        var best = bottom.Result;
        while (high / low > Precision && tried < MaxTrials)
        {
            var middle = Math.Sqrt(low * high);
            tried++;
            var probe = trial(middle);
            if (probe.Qualifies)
            {
                low = middle;
                best = probe.Result;
            }
            else
            {
                high = middle;
            }
        }

        return best;
    }
}
