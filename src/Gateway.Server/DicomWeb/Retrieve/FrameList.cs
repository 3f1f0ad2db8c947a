using System.Globalization;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// The {frames} path segment of PS3.18 8.3.5.1.4: "a comma-separated list of one or more non-duplicate frame
/// numbers", counted from 1, in any order. A list that repeats a number is not a frame list, so it is refused (400)
/// rather than deduplicated: answering it would change the number and order of the parts the client asked for, and
/// refusing keeps one short URL from asking for the same frame thousands of times.
/// </summary>
internal static class FrameList
{
    /// <summary>The frame numbers in the order given, or null with <paramref name="problem"/> saying what is wrong with the list.</summary>
    public static int[]? Parse(string? text, int maxFrames, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "The frame list is empty; list frame numbers (1, 2, ...) separated by commas.";
            return null;
        }

        var items = text.Split(',');
        if (items.Length > maxFrames)
        {
            problem = $"The frame list has {items.Length} entries; this gateway serves at most {maxFrames} frames per request (WadoMaxFrames).";
            return null;
        }

        var numbers = new int[items.Length];
        var seen = new HashSet<int>();
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            if (item.Length == 0 || !item.All(char.IsAsciiDigit)
                || !int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]) || numbers[i] < 1)
            {
                problem = $"'{Shorten(text)}' is not a list of frame numbers (1, 2, ... separated by commas).";
                return null;
            }

            if (!seen.Add(numbers[i]))
            {
                problem = $"Frame {numbers[i]} is listed more than once; a frame list holds non-duplicate frame numbers (PS3.18 8.3.5.1.4).";
                return null;
            }
        }

        return numbers;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
