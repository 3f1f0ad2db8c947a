using Gateway.Compression.Engine;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Compression.Models;

/// <summary>
/// The models found under onnx-models/*/model.json, each checked file by file against the sha256 model.json records
/// and loaded once into ONNX Runtime. A folder that fails a check is refused (logged as an error and listed in
/// <see cref="Refused"/>), never served. 2D (frame) and 3D (volume) models are kept apart by the dimensionality
/// model.json records: <see cref="Models"/> and <see cref="Get"/> serve frame consumers and never a 3D model,
/// <see cref="VolumeModels"/> and <see cref="GetVolume"/> serve volume consumers and never a 2D one.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, OnnxFrameAutoencoder> models;
    private readonly Dictionary<string, OnnxVolumeAutoencoder> volumeModels;

    private ModelRegistry(string directory, LoadedModels loaded, IReadOnlyList<RefusedModel> refused)
    {
        Directory = directory;
        models = loaded.Frames;
        volumeModels = loaded.Volumes;
        Refused = refused;
    }

    /// <summary>The folder the models were read from.</summary>
    public string Directory { get; }

    /// <summary>The loaded 2D (frame) models, ordered by id.</summary>
    public IReadOnlyList<IFrameAutoencoder> Models => [.. models.Values.OrderBy(model => model.Info.Id, StringComparer.Ordinal)];

    /// <summary>What the 2D models are, for ILatentEngine.Models and the models table.</summary>
    public IReadOnlyList<LatentModelInfo> Infos => [.. Models.Select(model => model.Info)];

    /// <summary>The loaded 3D (volume) models, ordered by id.</summary>
    public IReadOnlyList<IVolumeAutoencoder> VolumeModels => [.. volumeModels.Values.OrderBy(model => model.Info.Id, StringComparer.Ordinal)];

    /// <summary>Model folders that were not loaded, with the reason.</summary>
    public IReadOnlyList<RefusedModel> Refused { get; }

    /// <summary>Reads every model folder under the configured directory (or the onnx-models folder found by <see cref="FindModelsDirectory"/>).</summary>
    public static ModelRegistry Load(ModelRegistryOptions options, OnnxRuntime runtime, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        logger ??= NullLogger.Instance;
        var directory = string.IsNullOrWhiteSpace(options.Directory) ? FindModelsDirectory() : Path.GetFullPath(options.Directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder {directory} does not exist (setting Gateway:Models:Directory).");
        }

        var loaded = new LoadedModels();
        var refused = new List<RefusedModel>();
        try
        {
            foreach (var folder in System.IO.Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(folder, "model.json")))
                {
                    continue;
                }

                var reason = TryLoad(folder, runtime, options, loaded, cancellationToken);
                if (reason is not null)
                {
                    Log.ModelRefused(logger, Path.GetFileName(folder), reason);
                    refused.Add(new RefusedModel(folder, reason));
                }
            }
        }
        catch
        {
            loaded.Dispose();
            throw;
        }

        foreach (var model in loaded.Frames.Values)
        {
            Log.ModelLoaded(logger, model.Info.Id, model.Info.Factor, model.Info.LatentChannels, model.Info.Sha256);
        }

        foreach (var model in loaded.Volumes.Values)
        {
            Log.VolumeModelLoaded(logger, model.Info.Id, model.Info.Factor, model.ScalePerSide, model.Info.LatentChannels, model.Info.Sha256);
        }

        return new ModelRegistry(directory, loaded, refused);
    }

    /// <summary>
    /// The onnx-models folder of this installation: the first one found walking up from the current directory, then
    /// from the executable's folder.
    /// </summary>
    public static string FindModelsDirectory()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "onnx-models");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No onnx-models folder above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; set Gateway:Models:Directory (GATEWAY__MODELS__DIRECTORY).");
    }

    /// <summary>The 2D model with <paramref name="id"/>; a 3D, refused or unknown id throws with the reason.</summary>
    public IFrameAutoencoder Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return models.TryGetValue(id, out var model) ? model : throw NotFound(id, wanted: 2);
    }

    /// <summary>The 3D model with <paramref name="id"/>; a 2D, refused or unknown id throws with the reason.</summary>
    public IVolumeAutoencoder GetVolume(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return volumeModels.TryGetValue(id, out var model) ? model : throw NotFound(id, wanted: 3);
    }

    public void Dispose()
    {
        foreach (var model in models.Values)
        {
            model.Dispose();
        }

        foreach (var model in volumeModels.Values)
        {
            model.Dispose();
        }
    }

    /// <summary>Why no <paramref name="wanted"/>-D model of <paramref name="id"/> is served: it is the other kind, refused or unknown.</summary>
    private KeyNotFoundException NotFound(string id, int wanted)
    {
        if (models.ContainsKey(id) || volumeModels.ContainsKey(id))
        {
            return new KeyNotFoundException($"Model '{id}' is a {5 - wanted}D model; it cannot serve {wanted}D {(wanted == 3 ? "volumes" : "frames")}.");
        }

        var refused = Refused.FirstOrDefault(entry => string.Equals(Path.GetFileName(entry.Directory), id, StringComparison.Ordinal));
        return new KeyNotFoundException(refused is null
            ? $"No model '{id}' in {Directory} (loaded: {string.Join(", ", models.Keys.Concat(volumeModels.Keys).Order(StringComparer.Ordinal))})."
            : $"Model '{id}' was refused: {refused.Reason}");
    }

    private static string? TryLoad(string folder, OnnxRuntime runtime, ModelRegistryOptions options, LoadedModels loaded, CancellationToken cancellationToken)
    {
        ModelFolder model;
        try
        {
            model = ModelFolder.Open(folder);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            return exception.Message;
        }

        if (loaded.Frames.ContainsKey(model.Manifest.Id) || loaded.Volumes.ContainsKey(model.Manifest.Id))
        {
            return $"a second folder with model id '{model.Manifest.Id}'";
        }

        var mismatches = model.FindMismatches(cancellationToken);
        if (mismatches.Count > 0)
        {
            return "files do not match model.json: " + string.Join("; ", mismatches);
        }

        try
        {
            if (model.Manifest.Dimensions == 3)
            {
                loaded.Volumes[model.Manifest.Id] = new OnnxVolumeAutoencoder(model, runtime, options.VolumeTileSize);
            }
            else
            {
                loaded.Frames[model.Manifest.Id] = new OnnxFrameAutoencoder(model, runtime, options.TileSize);
            }

            return null;
        }
        catch (OnnxRuntimeException exception)
        {
            return "ONNX Runtime cannot load it: " + exception.Message;
        }
    }

    /// <summary>The models loaded so far, by kind; disposed together when loading fails.</summary>
    private sealed class LoadedModels : IDisposable
    {
        public Dictionary<string, OnnxFrameAutoencoder> Frames { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, OnnxVolumeAutoencoder> Volumes { get; } = new(StringComparer.Ordinal);

        public void Dispose()
        {
            foreach (var model in Frames.Values)
            {
                model.Dispose();
            }

            foreach (var model in Volumes.Values)
            {
                model.Dispose();
            }
        }
    }
}
