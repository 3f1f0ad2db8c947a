using System.Text.Json;

namespace Gateway.Compression.Models;

/// <summary>
/// What the gateway reads from onnx-models/&lt;id&gt;/model.json (format "medvae-gateway-model/1", written by the trainer's
/// export): the model's geometry (2D frames or 3D volumes: <see cref="Dimensions"/>; the factor on area or volume and the
/// scale on every axis), how it may be tiled, its files with their sha256, and the PSNR its card reports.
/// </summary>
public sealed record ModelManifest(
    string Id,
    int Dimensions,
    int Factor,
    int LatentChannels,
    int ScalePerSide,
    ModelTiling Tiling,
    double CardPsnr,
    IReadOnlyDictionary<string, ModelFile> Files)
{
    /// <summary>The only model.json format this gateway reads.</summary>
    public const string Format = "medvae-gateway-model/1";

    /// <summary>Reads and checks model.json at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a medvae-gateway-model/1 manifest or misses a field.</exception>
    public static ModelManifest Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var format = root.GetProperty("format").GetString();
            if (format != Format)
            {
                throw new InvalidDataException($"{path}: format '{format}' is not {Format}.");
            }

            var tiling = root.GetProperty("tiling");
            var files = new Dictionary<string, ModelFile>(StringComparer.Ordinal);
            foreach (var file in root.GetProperty("files").EnumerateObject())
            {
                files[file.Name] = new ModelFile(file.Name, file.Value.GetProperty("bytes").GetInt64(), file.Value.GetProperty("sha256").GetString()!);
            }

            var manifest = new ModelManifest(
                root.GetProperty("id").GetString()!,
                root.GetProperty("dimensionality").GetInt32(),
                root.GetProperty("f").GetInt32(),
                root.GetProperty("C").GetInt32(),
                root.GetProperty("scale_per_side").GetInt32(),
                new ModelTiling(
                    tiling.GetProperty("exact").GetBoolean(),
                    tiling.GetProperty("tile_origin_multiple_of").GetInt32(),
                    tiling.GetProperty("encoder_overlap_pixels").GetInt32(),
                    tiling.GetProperty("decoder_overlap_latent").GetInt32()),
                root.GetProperty("evaluation").GetProperty("psnr").GetDouble(),
                files);
            manifest.Validate(path);
            return manifest;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a readable {Format} manifest ({exception.Message}).", exception);
        }
    }

    private void Validate(string path)
    {
        if (Dimensions is not (2 or 3))
        {
            throw new InvalidDataException($"{path}: dimensionality {Dimensions}; the gateway runs 2D (frame) and 3D (volume) models.");
        }

        var perSide = 1;
        for (var axis = 0; axis < Dimensions; axis++)
        {
            perSide *= ScalePerSide;
        }

        if (Factor != perSide)
        {
            throw new InvalidDataException($"{path}: f={Factor} is not scale_per_side {ScalePerSide} to the power {Dimensions}.");
        }

        if (ScalePerSide < 1 || Tiling.TileOriginMultipleOf < 1 || Tiling.TileOriginMultipleOf % ScalePerSide != 0)
        {
            throw new InvalidDataException($"{path}: scale_per_side {ScalePerSide} and tile_origin_multiple_of {Tiling.TileOriginMultipleOf} do not fit (the origin step must be a multiple of the scale).");
        }

        foreach (var required in new[] { "encoder.onnx", "decoder.onnx" })
        {
            if (!Files.ContainsKey(required))
            {
                throw new InvalidDataException($"{path}: files lists no {required}.");
            }
        }
    }
}

/// <summary>How a model may be run in tiles (model.json "tiling"): overlaps that make tiled results equal whole-image ones.</summary>
public sealed record ModelTiling(bool Exact, int TileOriginMultipleOf, int EncoderOverlapPixels, int DecoderOverlapLatent);

/// <summary>One file of a model folder as model.json lists it.</summary>
public sealed record ModelFile(string Name, long Bytes, string Sha256);
