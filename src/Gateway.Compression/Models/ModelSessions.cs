using Gateway.Compression.Onnx;
using Gateway.Core.Compression;

namespace Gateway.Compression.Models;

/// <summary>What the 2D and 3D ONNX autoencoders open alike from a model folder: its two sessions, its info, its tile size.</summary>
internal static class ModelSessions
{
    /// <summary>The encoder and decoder sessions; the encoder is closed again when the decoder cannot be opened.</summary>
    public static (OnnxSession Encoder, OnnxSession Decoder) Open(ModelFolder folder, OnnxRuntime runtime)
    {
        var encoder = runtime.CreateSession(folder.EncoderPath);
        try
        {
            return (encoder, runtime.CreateSession(folder.DecoderPath));
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    public static LatentModelInfo InfoOf(ModelFolder folder) =>
        new(folder.Manifest.Id, folder.Manifest.Factor, folder.Manifest.LatentChannels, folder.Sha256, folder.Manifest.CardPsnr);

    /// <summary>The requested tile extent rounded down to a multiple of the tile origin step (at least one step).</summary>
    public static int TileSize(ModelTiling tiling, int requested) =>
        Math.Max(tiling.TileOriginMultipleOf, requested / tiling.TileOriginMultipleOf * tiling.TileOriginMultipleOf);
}
