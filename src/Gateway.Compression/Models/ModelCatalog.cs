using Gateway.Core.Compression;

namespace Gateway.Compression.Models;

/// <summary>
/// The cards of the model folders under Gateway:Models:Directory (or the onnx-models folder found), read once from
/// each model.json; a folder whose card does not read is left out (the registry refuses it and logs why).
/// </summary>
public sealed class ModelCatalog(ModelRegistryOptions options) : IModelCatalog
{
    private readonly Lazy<List<ModelCard>> _cards = new(() => Read(options));

    public IReadOnlyList<ModelCard> Cards => _cards.Value;

    private static List<ModelCard> Read(ModelRegistryOptions options)
    {
        var directory = string.IsNullOrWhiteSpace(options.Directory) ? ModelRegistry.FindModelsDirectory() : Path.GetFullPath(options.Directory);
        var cards = new List<ModelCard>();
        foreach (var folder in Directory.Exists(directory) ? Directory.GetDirectories(directory).Order(StringComparer.Ordinal).ToArray() : [])
        {
            var path = Path.Combine(folder, "model.json");
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var manifest = ModelManifest.Read(path);
                var bytes = manifest.Files.Values.Where(file => file.Name.EndsWith(".onnx", StringComparison.Ordinal)).Sum(file => file.Bytes);
                cards.Add(new ModelCard(manifest.Id, manifest.Dimensions, manifest.Factor, manifest.LatentChannels, bytes, manifest.CardPsnr));
            }
            catch (InvalidDataException)
            {
                // Refused by the registry, which logs the reason.
            }
        }

        return cards;
    }
}
