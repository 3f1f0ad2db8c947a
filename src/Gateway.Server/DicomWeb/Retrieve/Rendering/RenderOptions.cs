using System.Globalization;

namespace Gateway.Server.DicomWeb.Retrieve.Rendering;

/// <summary>The shape of the VOI LUT function (PS3.3 C.11.2.1.2): LINEAR, LINEAR_EXACT or SIGMOID.</summary>
internal enum VoiFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>A window: center and width in modality units, and the function that maps through it.</summary>
internal sealed record VoiWindow(double Center, double Width, VoiFunction Function)
{
    /// <summary>The output (0..255) of one modality value.</summary>
    public byte Apply(double value)
    {
        double output;
        switch (Function)
        {
            case VoiFunction.LinearExact:
                output = ((value - Center) / Width) + 0.5;
                break;
            case VoiFunction.Sigmoid:
                output = 1 / (1 + Math.Exp(-4 * (value - Center) / Width));
                break;
            default:
                if (Width <= 1)
                {
                    output = value <= Center - 0.5 ? 0 : 1;
                    break;
                }

                output = ((value - (Center - 0.5)) / (Width - 1)) + 0.5;
                break;
        }

        return (byte)Math.Clamp(Math.Round(output * 255), 0, 255);
    }

    public static bool TryParseFunction(string? text, out VoiFunction function)
    {
        function = VoiFunction.Linear;
        switch (text?.Trim().ToUpperInvariant().Replace('-', '_'))
        {
            case null or "" or "LINEAR":
                return true;
            case "LINEAR_EXACT":
                function = VoiFunction.LinearExact;
                return true;
            case "SIGMOID":
                function = VoiFunction.Sigmoid;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>What a rendered or thumbnail request asks for (PS3.18 8.3.5.1): window, output size and JPEG quality.</summary>
internal sealed record RenderOptions(VoiWindow? Window, int? ViewportWidth, int? ViewportHeight, int Quality)
{
    public const int DefaultQuality = 90;

    public static RenderOptions Default { get; } = new(null, null, null, DefaultQuality);

    /// <summary>Reads <c>window=center,width[,function]</c>, <c>viewport=vw,vh</c> and <c>quality</c>; the error is for a 400 answer.</summary>
    public static RenderOptions? Parse(IQueryCollection query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        error = null;
        VoiWindow? window = null;
        if (query.TryGetValue("window", out var windowText) && !string.IsNullOrEmpty(windowText.ToString()))
        {
            var parts = windowText.ToString().Split(',');
            if (parts.Length is < 2 or > 3 || !TryNumber(parts[0], out var center) || !TryNumber(parts[1], out var width) || width <= 0
                || !VoiWindow.TryParseFunction(parts.Length == 3 ? parts[2] : null, out var function))
            {
                error = $"window '{windowText}' is not center,width[,linear|linear-exact|sigmoid] with a positive width.";
                return null;
            }

            window = new VoiWindow(center, width, function);
        }

        int? viewportWidth = null;
        int? viewportHeight = null;
        if (query.TryGetValue("viewport", out var viewportText) && !string.IsNullOrEmpty(viewportText.ToString()))
        {
            var parts = viewportText.ToString().Split(',');
            if (parts.Length != 2 || !TrySize(parts[0], out var vw) || !TrySize(parts[1], out var vh))
            {
                error = $"viewport '{viewportText}' is not vw,vh with sizes from 1 to 8192.";
                return null;
            }

            (viewportWidth, viewportHeight) = (vw, vh);
        }

        var quality = DefaultQuality;
        if (query.TryGetValue("quality", out var qualityText) && !string.IsNullOrEmpty(qualityText.ToString())
            && (!int.TryParse(qualityText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
        {
            error = $"quality '{qualityText}' is not a number from 1 to 100.";
            return null;
        }

        return new RenderOptions(window, viewportWidth, viewportHeight, quality);
    }

    public static bool TrySize(string text, out int size) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= 8192;

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
