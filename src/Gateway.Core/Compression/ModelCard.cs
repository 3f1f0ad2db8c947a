namespace Gateway.Core.Compression;

/// <summary>
/// A model of the registry as its card (onnx-models/&lt;id&gt;/model.json) describes it: id, dimensions (2: frames, 3:
/// volumes), factor on area or volume, latent channels, the bytes of its ONNX files, and the PSNR its card reports.
/// </summary>
public sealed record ModelCard(string Id, int Dimensions, int Factor, int LatentChannels, long Bytes, double CardPsnr);

/// <summary>The registry's model cards (read from the cards alone: listing them loads no model).</summary>
public interface IModelCatalog
{
    IReadOnlyList<ModelCard> Cards { get; }
}
