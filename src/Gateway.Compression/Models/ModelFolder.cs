using System.Security.Cryptography;

namespace Gateway.Compression.Models;

/// <summary>
/// One onnx-models/&lt;id&gt; folder: its manifest and the checks that its files are the ones the manifest names.
/// The model's single identifying hash (<see cref="Sha256"/>) is the sha256 of decoder.onnx: decoding a stored latent
/// needs exactly that decoder, so a latent container records it and a changed decoder is a different model.
/// </summary>
public sealed class ModelFolder
{
    private ModelFolder(string directory, ModelManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    public string EncoderPath => Path.Combine(Directory, "encoder.onnx");

    public string DecoderPath => Path.Combine(Directory, "decoder.onnx");

    /// <summary>The model's hash: sha256 (lower-case hex) of decoder.onnx, as model.json records it.</summary>
    public string Sha256 => Manifest.Files["decoder.onnx"].Sha256;

    /// <summary>Reads the model.json of <paramref name="directory"/>; the folder's name must be the model id.</summary>
    public static ModelFolder Open(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var manifest = ModelManifest.Read(Path.Combine(directory, "model.json"));
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        if (!string.Equals(name, manifest.Id, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{directory}: model.json names the model '{manifest.Id}', but the folder is '{name}'.");
        }

        return new ModelFolder(directory, manifest);
    }

    /// <summary>
    /// Hashes every file model.json lists and returns what does not match (empty when all do). encoder.onnx and
    /// decoder.onnx must be present; other listed files (weights.pt) are checked when present.
    /// </summary>
    public IReadOnlyList<string> FindMismatches(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var file in Manifest.Files.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(Directory, file.Name);
            if (!File.Exists(path))
            {
                if (file.Name.EndsWith(".onnx", StringComparison.Ordinal))
                {
                    problems.Add($"{file.Name} is missing");
                }

                continue;
            }

            var actual = HashFile(path);
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{file.Name} has sha256 {actual}, model.json says {file.Sha256}");
            }
        }

        return problems;
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
