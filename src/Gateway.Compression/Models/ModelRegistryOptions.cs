namespace Gateway.Compression.Models;

/// <summary>Where the models are and how large a tile is (section Gateway:Models).</summary>
public sealed class ModelRegistryOptions
{
    public const string SectionName = "Gateway:Models";

    /// <summary>The folder holding one sub-folder per model (model.json, encoder.onnx, decoder.onnx); empty to search for onnx-models.</summary>
    public string? Directory { get; set; }

    /// <summary>Frames larger than this many pixels on a side are encoded and decoded in tiles of this core size.</summary>
    public int TileSize { get; set; } = 512;
}
