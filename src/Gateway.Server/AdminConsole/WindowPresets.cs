using Gateway.Server.DicomWeb.Retrieve.Rendering;

namespace Gateway.Server.AdminConsole;

/// <summary>One window a radiologist picks by name: center and width in modality units (Hounsfield units for CT); null: the image's own.</summary>
internal sealed record WindowPreset(string Key, string Name, VoiWindow? Window);

/// <summary>
/// The compare page's windows per modality: the image's own (its header's first window, else its range) for every
/// modality, and for CT the usual soft tissue, lung, bone and brain windows.
/// </summary>
internal static class WindowPresets
{
    public static readonly WindowPreset Own = new("image", "Image's own", null);

    private static readonly WindowPreset[] Ct =
    [
        Own,
        new("soft-tissue", "Soft tissue (40/400)", new VoiWindow(40, 400, VoiFunction.Linear)),
        new("lung", "Lung (-600/1500)", new VoiWindow(-600, 1500, VoiFunction.Linear)),
        new("bone", "Bone (400/1800)", new VoiWindow(400, 1800, VoiFunction.Linear)),
        new("brain", "Brain (40/80)", new VoiWindow(40, 80, VoiFunction.Linear)),
    ];

    public static IReadOnlyList<WindowPreset> For(string? modality) => modality == "CT" ? Ct : [Own];

    /// <summary>The preset named <paramref name="key"/> for the modality, the image's own when it names none of them.</summary>
    public static WindowPreset Find(string? modality, string? key) => For(modality).FirstOrDefault(preset => preset.Key == key) ?? Own;
}
