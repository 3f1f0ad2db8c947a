namespace Gateway.Core.Compression;

/// <summary>Caps on irreversible compression per modality that a site can switch on (Gateway:Compression:MaxRatioPreset).</summary>
public enum MaxRatioPreset
{
    /// <summary>No cap beyond the rules' own MaxRatio and Gateway:Compression:MaxRatios.</summary>
    None,

    /// <summary>
    /// German-style caps after the DRG (Deutsche Röntgengesellschaft) consensus on irreversible compression: CT 8:1,
    /// MR 7:1, CR and DX 10:1, MG 15:1. A 16x latent exceeds all of them, so under this preset latents are kept only
    /// beside a representation within the cap (KeepLatent) or where a rule sets its own MaxRatio.
    /// </summary>
    German,
}

/// <summary>The caps of each <see cref="MaxRatioPreset"/>.</summary>
public static class MaxRatioPresets
{
    private static readonly Dictionary<string, double> German = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CT"] = 8,
        ["MR"] = 7,
        ["CR"] = 10,
        ["DX"] = 10,
        ["MG"] = 15,
    };

    /// <summary>The preset's cap for <paramref name="modality"/>, or null when it sets none.</summary>
    public static double? CapOf(MaxRatioPreset preset, string? modality) =>
        preset == MaxRatioPreset.German && modality is not null && German.TryGetValue(modality.Trim(), out var cap) ? cap : null;
}
