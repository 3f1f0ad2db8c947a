namespace Gateway.Dicom;

/// <summary>
/// A value multiplicity of PS3.6, such as "1", "1-3", "1-n" or "2-2n": how many values an element may hold.
/// "2-2n" reads as Min 2, unbounded Max, Step 2 (2, 4, 6, ...).
/// </summary>
public sealed record DicomValueMultiplicity
{
    public DicomValueMultiplicity(int min, int max, int step, string text)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        ArgumentNullException.ThrowIfNull(text);
        Min = min;
        Max = max;
        Step = step;
        Text = text;
    }

    public int Min { get; }

    /// <summary>The largest number of values, or <see cref="int.MaxValue"/> when the multiplicity ends in "n".</summary>
    public int Max { get; }

    /// <summary>The number of values grows in steps of this size from <see cref="Min"/> (3 for "3-3n").</summary>
    public int Step { get; }

    /// <summary>The multiplicity as the dictionary writes it.</summary>
    public string Text { get; }

    public bool IsUnbounded => Max == int.MaxValue;

    /// <summary>Whether an element may hold <paramref name="count"/> values.</summary>
    public bool Allows(int count) => count >= Min && count <= Max && (count - Min) % Step == 0;

    public override string ToString() => Text;
}
