using Gateway.Compression.Engine;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Compression.Models;

/// <summary>
/// The models found under onnx-models/*/model.json, each checked file by file against the sha256 model.json records
/// and loaded once into ONNX Runtime. A folder that fails a check is refused (logged as an error and listed in
/// <see cref="Refused"/>), never served.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, OnnxFrameAutoencoder> models;

    private ModelRegistry(string directory, Dictionary<string, OnnxFrameAutoencoder> models, IReadOnlyList<RefusedModel> refused)
    {
        Directory = directory;
        this.models = models;
        Refused = refused;
    }

    /// <summary>The folder the models were read from.</summary>
    public string Directory { get; }

    /// <summary>The loaded models, ordered by id.</summary>
    public IReadOnlyList<IFrameAutoencoder> Models => [.. models.Values.OrderBy(model => model.Info.Id, StringComparer.Ordinal)];

    /// <summary>What the models are, for ILatentEngine.Models and the models table.</summary>
    public IReadOnlyList<LatentModelInfo> Infos => [.. Models.Select(model => model.Info)];

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

        var loaded = new Dictionary<string, OnnxFrameAutoencoder>(StringComparer.Ordinal);
        var refused = new List<RefusedModel>();
        try
        {
            foreach (var folder in System.IO.Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(folder, "model.json")))
                {
                    continue;
                }

                var reason = TryLoad(folder, runtime, options.TileSize, loaded, cancellationToken);
                if (reason is not null)
                {
                    Log.ModelRefused(logger, Path.GetFileName(folder), reason);
                    refused.Add(new RefusedModel(folder, reason));
                }
            }
        }
        catch
        {
            foreach (var model in loaded.Values)
            {
                model.Dispose();
            }

            throw;
        }

        foreach (var model in loaded.Values)
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

    /// <summary>The model with <paramref name="id"/>; a refused or unknown id throws with the reason.</summary>
    public IFrameAutoencoder Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (models.TryGetValue(id, out var model))
        {
            return model;
        }

        var refused = Refused.FirstOrDefault(entry => string.Equals(Path.GetFileName(entry.Directory), id, StringComparison.Ordinal));
        throw new KeyNotFoundException(refused is null
            ? $"No model '{id}' in {Directory} (loaded: {string.Join(", ", models.Keys.Order(StringComparer.Ordinal))})."
            : $"Model '{id}' was refused: {refused.Reason}");
    }

    public void Dispose()
    {
        foreach (var model in models.Values)
        {
            model.Dispose();
        }
    }

    private static string? TryLoad(string folder, OnnxRuntime runtime, int tileSize, Dictionary<string, OnnxFrameAutoencoder> loaded, CancellationToken cancellationToken)
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

        if (loaded.ContainsKey(model.Manifest.Id))
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
            loaded[model.Manifest.Id] = new OnnxFrameAutoencoder(model, runtime, tileSize);
            return null;
        }
        catch (OnnxRuntimeException exception)
        {
            return "ONNX Runtime cannot load it: " + exception.Message;
        }
    }
}
