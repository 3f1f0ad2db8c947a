using System.Text.Json;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>An image of the end-to-end sets: its file under shared/data and its group in the model card (evaluation.by_group).</summary>
internal sealed record EndToEndImage(string Path, string Group)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// The images the end-to-end and crash tests send (a subset, to keep them within minutes on two cores), and what
/// the card of onnx-models/compact-f16-c2 (the default model) says about them. MR and CT are from the eval split, so the card holds
/// each one's own PSNR; of the radiographs RG3 is an eval image, the SIIM chest a training image (the card has only
/// its group's mean), and the mammogram goes lossless by the default policy.
/// </summary>
internal static class EndToEndData
{
    public const string ModelId = "compact-f16-c2";

    private const string Mr = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/";
    private const string Ct = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/";
    private const string Xray = "xray/dicom/";

    /// <summary>Eight eval MR slices over the card's range (26 to 49 dB); 0188's card PSNR (26.4 dB) is below the default gate of 30 dB.</summary>
    public static readonly string[] MrSlices =
    [
        "0150-1.3.12.2.1107.5.2.19.45152.2013030808105716172485605.dcm",
        "0158-1.3.12.2.1107.5.2.19.45152.2013030808105691039985581.dcm",
        "0166-1.3.12.2.1107.5.2.19.45152.2013030808105636967285535.dcm",
        "0172-1.3.12.2.1107.5.2.19.45152.2013030808105633835385527.dcm",
        "0176-1.3.12.2.1107.5.2.19.45152.2013030808105595489285493.dcm",
        "0180-1.3.12.2.1107.5.2.19.45152.2013030808105577868585475.dcm",
        "0184-1.3.12.2.1107.5.2.19.45152.2013030808105562925785459.dcm",
        "0188-1.3.12.2.1107.5.2.19.45152.2013030808105567563785463.dcm",
    ];

    /// <summary>The four eval CT slices.</summary>
    public static readonly string[] CtSlices =
    [
        "A072894_19001203-066.dcm",
        "A072894_19010103-40.dcm",
        "A098752_19001231-32.dcm",
        "A098752_19010127-128.dcm",
    ];

    public static IReadOnlyList<EndToEndImage> Mr8() => [.. MrSlices.Select(name => new EndToEndImage(TestData.RequireSharedData(Mr + name), "mr-siemens-mprage"))];

    public static IReadOnlyList<EndToEndImage> Ct4() => [.. CtSlices.Select(name => new EndToEndImage(TestData.RequireSharedData(Ct + name), "ct-covid"))];

    /// <summary>CR lower leg (NEMA WG04 RG3, eval, 1760 x 1760, 10 bits, JPEG 2000 lossless).</summary>
    public static EndToEndImage Rg3() => new(TestData.RequireSharedData(Xray + "nema-wg04__RG3_J2KR.dcm"), "xray-nema");

    /// <summary>CR chest (NIH ChestX-ray14 in a SIIM wrapper, training split, 1024 x 1024, 8 bits, JPEG baseline).</summary>
    public static EndToEndImage SiimChest() => new(TestData.RequireSharedData(Xray + "torchxrayvision__SIIM_NIH_CR_chest.dcm"), "xray-nih");

    /// <summary>MG spot view (eval, 1318 x 788, JPEG lossless): lossless by the default policy.</summary>
    public static EndToEndImage Mammogram() => new(TestData.RequireSharedData(Xray + "fo-dicom__OutOfBoundsOverlay_MG.dcm"), "xray-nema");

    /// <summary>The card's PSNR of this very image (eval split), or null when the card does not list it.</summary>
    public static double? CardPsnrOfImage(EndToEndImage image)
    {
        var stem = System.IO.Path.GetFileNameWithoutExtension(image.Name);
        foreach (var entry in Evaluation().GetProperty("images").EnumerateArray())
        {
            var name = entry.GetProperty("image").GetString()!;
            if (name == image.Name || System.IO.Path.GetFileNameWithoutExtension(name) == stem)
            {
                return entry.GetProperty("psnr").GetDouble();
            }
        }

        return null;
    }

    /// <summary>The card's mean PSNR of the image's group.</summary>
    public static double CardPsnrOfGroup(string group) => Evaluation().GetProperty("by_group").GetProperty(group).GetProperty("psnr").GetDouble();

    private static JsonElement Evaluation()
    {
        var path = System.IO.Path.Combine(TestData.RepositoryRoot, "onnx-models", ModelId, "model.json");
        using var card = JsonDocument.Parse(File.ReadAllBytes(path));
        return card.RootElement.GetProperty("evaluation").Clone();
    }
}
