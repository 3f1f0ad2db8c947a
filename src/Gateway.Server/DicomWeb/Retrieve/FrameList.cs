using System.Globalization;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>The {frames} path segment of PS3.18 8.3.5.1.4: comma-separated frame numbers counted from 1.</summary>
internal static class FrameList
{
    public static bool TryParse(string? text, out int[] frameNumbers)
    {
        frameNumbers = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var items = text.Split(',');
        var numbers = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            if (item.Length == 0 || !item.All(char.IsAsciiDigit)
                || !int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]) || numbers[i] < 1)
            {
                return false;
            }
        }

        frameNumbers = numbers;
        return true;
    }
}
