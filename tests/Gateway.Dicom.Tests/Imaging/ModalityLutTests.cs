using System.Text.Json;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Imaging;

/// <summary>Modality values (Rescale Slope/Intercept or Modality LUT Sequence) against pydicom's apply_modality_lut.</summary>
public class ModalityLutTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    [Fact]
    public void Modality_values_equal_pydicom_for_files_with_a_rescale_or_a_modality_lut()
    {
        var candidates = SharedDicomFiles.All()
            .Select(path => (path, file: TryOpen(path)))
            .Where(entry => entry.file is not null && !entry.file.TransferSyntax.IsEncapsulated && HasModalityTransform(entry.file.Dataset))
            .Where(entry => DicomPixelData.Create(entry.file!.Dataset, entry.file.TransferSyntax).Info is { SamplesPerPixel: 1, BitsAllocated: 8 or 16 })
            .GroupBy(entry => Path.GetDirectoryName(entry.path))
            .SelectMany(group => group.Take(4))
            .ToList();
        Assert.NotEmpty(candidates);

        var directory = Directory.CreateTempSubdirectory("modality-lut-");
        try
        {
            var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "modality_lut_oracle.py");
            var (exitCode, stdout, stderr) = ExternalTool.Run(ExternalTool.DebianPython, [script, directory.FullName, .. candidates.Select(entry => entry.path)], "python3-pydicom");
            Assert.True(exitCode == 0, stderr);
            var records = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<Record>(line, JsonOptions)!).ToList();
            var compared = 0;
            for (var i = 0; i < candidates.Count; i++)
            {
                var name = SharedDicomFiles.Relative(candidates[i].path);
                if (!records[i].Ok)
                {
                    output.WriteLine($"{name}: no oracle ({records[i].Error})");
                    continue;
                }

                var expected = ReadDoubles(Path.Combine(directory.FullName, $"{i}.f64"));
                var file = candidates[i].file!;
                var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
                var actual = ModalityLut.Create(file.Dataset).Apply(pixelData.GetNativeFrame(0).Span, pixelData.Info);
                Assert.Equal(expected.Length, actual.Length);
                for (var p = 0; p < actual.Length; p++)
                {
                    Assert.True(Math.Abs(expected[p] - actual[p]) <= 1e-6 * Math.Max(1, Math.Abs(expected[p])), $"{name}: pixel {p}: pydicom {expected[p]}, ours {actual[p]}");
                }

                compared++;
                output.WriteLine($"{name}: {actual.Length} modality values equal pydicom's");
            }

            Assert.True(compared >= 5, $"only {compared} files compared");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static bool HasModalityTransform(DicomDataset dataset) =>
        dataset.Contains(DicomTags.ModalityLUTSequence) || dataset.Contains(DicomTags.RescaleSlope);

    private static DicomFile? TryOpen(string path)
    {
        try
        {
            var file = DicomFile.Open(path);
            return DicomPixelData.HasPixelData(file.Dataset) ? file : null;
        }
        catch (DicomException)
        {
            return null;
        }
    }

    private static double[] ReadDoubles(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new double[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToDouble(bytes, i * 8);
        }

        return values;
    }

    private sealed record Record(int Index, bool Ok, string? Error);
}
