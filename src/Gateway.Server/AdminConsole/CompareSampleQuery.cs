using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Core.Statistics;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The sampled compare view's query string: modality, representation, model, count (1 to
/// <see cref="CompareSample.MaxCount"/>), seed and window preset, each at most once; anything else is refused with
/// the reason.
/// </summary>
internal static partial class CompareSampleQuery
{
    private static readonly string[] Representations = ["latent", "latent+residual", "j2k-lossy", "lossless"];

    public static (CompareSample? Sample, string? Preset, string? Error) Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.FirstOrDefault(pair => pair.Value.Count > 1) is { Key: { } repeated })
        {
            return (null, null, $"'{repeated}' is given more than once.");
        }

        var modality = Text(query, "modality");
        if (modality is not null && !ModalityPattern().IsMatch(modality))
        {
            return (null, null, "modality is a DICOM Modality code (up to 16 capital letters, digits, spaces or underscores).");
        }

        var representation = Text(query, "representation");
        if (representation is not null && !Representations.Contains(representation, StringComparer.Ordinal))
        {
            return (null, null, $"representation is one of {string.Join(", ", Representations)}.");
        }

        var model = Text(query, "model");
        if (model is not null && !ModelPattern().IsMatch(model))
        {
            return (null, null, "model is a model id (letters, digits, '.', '_' or '-', up to 64).");
        }

        if (!Integer(query, "count", CompareSample.DefaultCount, 1, CompareSample.MaxCount, out var count)
            || !Integer(query, "seed", 1, 0, int.MaxValue, out var seed))
        {
            return (null, null, $"count is 1 to {CompareSample.MaxCount.ToString(CultureInfo.InvariantCulture)}, seed 0 or more.");
        }

        return (new CompareSample(modality, representation, model, count, seed), Text(query, "preset"), null);
    }

    /// <summary>The view's path for a sample (and a preset), the parameters that are set only.</summary>
    public static string Path(CompareSample sample, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var parameters = new (string Name, string? Value)[]
        {
            ("modality", sample.Modality),
            ("representation", sample.Representation),
            ("model", sample.Model),
            ("count", sample.Count.ToString(CultureInfo.InvariantCulture)),
            ("seed", sample.Seed.ToString(CultureInfo.InvariantCulture)),
            ("preset", preset),
        };
        return ConsoleEndpoints.Root + "/compare?" + string.Join("&", parameters
            .Where(parameter => parameter.Value is not null)
            .Select(parameter => parameter.Name + "=" + Uri.EscapeDataString(parameter.Value!)));
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    private static bool Integer(IQueryCollection query, string name, int fallback, int min, int max, out int value)
    {
        value = fallback;
        return Text(query, name) is not { } text
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }

    [GeneratedRegex("^[A-Z0-9 _]{1,16}$")]
    private static partial Regex ModalityPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ModelPattern();
}
