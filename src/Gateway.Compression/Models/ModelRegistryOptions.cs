namespace Gateway.Compression.Models;

/// <summary>Where the models are and how large a tile is (section Gateway:Models).</summary>
public sealed class ModelRegistryOptions
{
    public const string SectionName = "Gateway:Models";

    /// <summary>The folder holding one sub-folder per model (model.json, encoder.onnx, decoder.onnx); empty to search for onnx-models.</summary>
    public string? Directory { get; set; }

    /// <summary>Frames larger than this many pixels on a side are encoded and decoded in tiles of this core size.</summary>
    public int TileSize { get; set; } = 512;

    /// <summary>
    /// Volumes (3D models) larger than this many voxels on an axis are encoded and decoded in 3D tiles of this core
    /// size. Large is cheap here: an exact tile carries the decoder's overlap on every side (11 latent voxels for the
    /// compact 3D models), which costs more than the core itself for small tiles.
    /// </summary>
    public int VolumeTileSize { get; set; } = 256;
}
