using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>
/// The committed src/Gateway.Dicom/Generated files must be exactly what tools/dictgen/gen_dictionary.py
/// writes from the installed inputs, and the generator must write the same bytes every time.
/// </summary>
public partial class GeneratorTests
{
    private const string DicomDic = "/usr/share/libdcmtk17/dicom.dic";
    private const string PrivateDic = "/usr/share/libdcmtk17/private.dic";
    private const string UidDict = "/usr/lib/python3/dist-packages/pydicom/_uid_dict.py";

    private static readonly string GeneratedFolder = Path.Combine(TestData.RepositoryRoot, "src", "Gateway.Dicom", "Generated");

    [Fact]
    public async Task Committed_output_is_what_the_generator_writes_and_the_generator_is_deterministic()
    {
        RequireInputsTheCommittedFilesWereGeneratedFrom();
        var first = Directory.CreateTempSubdirectory("dictgen-");
        var second = Directory.CreateTempSubdirectory("dictgen-");
        try
        {
            RunGenerator(first.FullName);
            RunGenerator(second.FullName);

            var committed = Directory.GetFiles(GeneratedFolder, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var generated = Directory.GetFiles(first.FullName).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(generated, committed);
            foreach (var name in generated)
            {
                var once = await File.ReadAllBytesAsync(Path.Combine(first.FullName, name!), TestContext.Current.CancellationToken);
                var twice = await File.ReadAllBytesAsync(Path.Combine(second.FullName, name!), TestContext.Current.CancellationToken);
                Assert.True(once.AsSpan().SequenceEqual(twice), $"{name} differs between two runs of the generator");

                var inRepository = await File.ReadAllTextAsync(Path.Combine(GeneratedFolder, name!), TestContext.Current.CancellationToken);
                Assert.True(
                    System.Text.Encoding.ASCII.GetString(once) == inRepository.ReplaceLineEndings("\n"),
                    $"src/Gateway.Dicom/Generated/{name} is out of date; run /usr/bin/python3 tools/dictgen/gen_dictionary.py and commit the result.");
            }
        }
        finally
        {
            first.Delete(recursive: true);
            second.Delete(recursive: true);
        }
    }

    private static void RunGenerator(string output) =>
        ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            [Path.Combine(TestData.RepositoryRoot, "tools", "dictgen", "gen_dictionary.py"), "--output", output],
            "python3");

    /// <summary>
    /// Skips (with the reason) where the inputs are missing or are other versions than the ones the committed
    /// files record: then a difference would say nothing about the generator.
    /// </summary>
    private static void RequireInputsTheCommittedFilesWereGeneratedFrom()
    {
        foreach (var (input, package, generatedFile) in new[]
        {
            (DicomDic, "libdcmtk17 (dcmtk)", "StandardDictionaryData.g.cs"),
            (PrivateDic, "libdcmtk17 (dcmtk)", "PrivateDictionaryData.g.cs"),
            (UidDict, "python3-pydicom", "UidRegistryData.g.cs"),
        })
        {
            if (!File.Exists(input))
            {
                Assert.Skip($"{input} is absent (Debian package {package}); cannot check the generated dictionary against it.");
            }

            var recorded = SourceHash().Match(File.ReadAllText(Path.Combine(GeneratedFolder, generatedFile))).Groups["hash"].Value;
            var installed = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(input)));
            if (recorded != installed)
            {
                Assert.Skip(
                    $"{input} (SHA-256 {installed}) is not the version {generatedFile} was generated from ({recorded}); " +
                    "regenerate with /usr/bin/python3 tools/dictgen/gen_dictionary.py if this version should become the source.");
            }
        }
    }

    [GeneratedRegex(@"^// Source: \S+, SHA-256 (?<hash>[0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex SourceHash();
}
