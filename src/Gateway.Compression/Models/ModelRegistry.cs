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
/// <see cref="VolumeModelIds"/> and <see cref="GetVolume"/> serve volume consumers and never a 2D one. 2D models are
/// checked and opened by <see cref="Load"/>; a 3D model only when it is first asked for (<see cref="GetVolume"/>):
/// no rule uses one unless a policy opts in, and hashing and opening them costs seconds.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, OnnxFrameAutoencoder> models;
    private readonly Dictionary<string, VolumeModel> volumeModels;

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

    /// <summary>The ids of the 3D (volume) models found, ordered; none is checked or opened by listing them.</summary>
    public IReadOnlyList<string> VolumeModelIds => [.. volumeModels.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Model folders that were not loaded, with the reason; a 3D model refused at its first use is not listed (<see cref="GetVolume"/> names its reason).</summary>
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

                var reason = TryLoad(folder, runtime, options, loaded, logger, cancellationToken);
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

    /// <summary>
    /// The 3D model with <paramref name="id"/>, checked against model.json and opened on the first call; a 2D, refused
    /// (now or at its first call) or unknown id throws with the reason.
    /// </summary>
    public IVolumeAutoencoder GetVolume(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!volumeModels.TryGetValue(id, out var entry))
        {
            throw NotFound(id, wanted: 3);
        }

        return entry.TryOpen(out var model, out var reason) ? model : throw new KeyNotFoundException($"Model '{id}' was refused: {reason}");
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

    private static string? TryLoad(string folder, OnnxRuntime runtime, ModelRegistryOptions options, LoadedModels loaded, ILogger logger, CancellationToken cancellationToken)
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

        if (model.Manifest.Dimensions == 3)
        {
            loaded.Volumes[model.Manifest.Id] = new VolumeModel(model, runtime, options.VolumeTileSize, logger);
            return null;
        }

        var reason = ModelChecks(model, cancellationToken);
        if (reason is not null)
        {
            return reason;
        }

        try
        {
            loaded.Frames[model.Manifest.Id] = new OnnxFrameAutoencoder(model, runtime, options.TileSize);
            return null;
        }
        catch (OnnxRuntimeException exception)
        {
            return "ONNX Runtime cannot load it: " + exception.Message;
        }
    }

    /// <summary>Why the folder's files are not the ones model.json names; null when they are.</summary>
    private static string? ModelChecks(ModelFolder model, CancellationToken cancellationToken)
    {
        var mismatches = model.FindMismatches(cancellationToken);
        return mismatches.Count > 0 ? "files do not match model.json: " + string.Join("; ", mismatches) : null;
    }

    /// <summary>The models loaded so far, by kind; disposed together when loading fails.</summary>
    private sealed class LoadedModels : IDisposable
    {
        public Dictionary<string, OnnxFrameAutoencoder> Frames { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, VolumeModel> Volumes { get; } = new(StringComparer.Ordinal);

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

    /// <summary>
    /// A 3D model folder whose manifest was read: checked file by file and opened in ONNX Runtime on the first
    /// <see cref="TryOpen"/> (once, under a lock), then served, or refused with the reason from then on.
    /// </summary>
    private sealed class VolumeModel(ModelFolder folder, OnnxRuntime runtime, int tileSize, ILogger logger) : IDisposable
    {
        private readonly Lock _lock = new();
        private OnnxVolumeAutoencoder? _model;
        private string? _refused;

        public bool TryOpen([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OnnxVolumeAutoencoder? model, out string? reason)
        {
            lock (_lock)
            {
                if (_model is null && _refused is null)
                {
                    Open();
                }

                (model, reason) = (_model, _refused);
                return model is not null;
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _model?.Dispose();
                _model = null;
                _refused ??= "the registry was disposed";
            }
        }

        private void Open()
        {
            _refused = ModelChecks(folder, CancellationToken.None);
            if (_refused is null)
            {
                try
                {
                    _model = new OnnxVolumeAutoencoder(folder, runtime, tileSize);
                    Log.VolumeModelLoaded(logger, _model.Info.Id, _model.Info.Factor, _model.ScalePerSide, _model.Info.LatentChannels, _model.Info.Sha256);
                    return;
                }
                catch (OnnxRuntimeException exception)
                {
                    _refused = "ONNX Runtime cannot load it: " + exception.Message;
                }
            }

            Log.ModelRefused(logger, folder.Manifest.Id, _refused);
        }
    }
}
