using System.Text.Json;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Imaging;

/// <summary>
/// `gateway dicom pixels` output against an independent decoder (pydicom with GDCM, or DCMTK's decompressors;
/// tests/oracle/pixels_oracle.py) for every file under shared/data: equal byte for byte wherever we claim to
/// decode the transfer syntax and the oracle can decode it too.
/// </summary>
public class PixelOracleTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// Damaged pixel data that we refuse with a message naming the damage, where GDCM returns something anyway.
    /// </summary>
    private static readonly Dictionary<string, string> DeliberateRefusals = new(StringComparer.Ordinal)
    {
        // The J2K codestream is cut short (xray/dicom has the repaired 966_fixed); GDCM returns a partial image.
        ["dicom-conformance/pylibjpeg-data/966.dcm"] = "Stream too short",
        // Frame 14 is a 55 x 240 JPEG inside a 240 x 240 image; GDCM warns "dimension mismatch" and returns zeros.
        ["dicom-conformance/fo-dicom/multiframe.dcm"] = "The JPEG frame is 55 x 240 but the frame should be 240 x 240",
    };

    [Fact]
    public void Stored_values_equal_the_oracle_for_every_transfer_syntax_we_decode()
    {
        var files = SharedDicomFiles.All();
        var oracleDirectory = Directory.CreateTempSubdirectory("pixels-oracle-");
        try
        {
            var oracle = RunOracle(files, oracleDirectory.FullName);
            var registry = DicomCodecRegistry.Default;
            var failures = new List<string>();
            var matched = new Dictionary<string, int>();
            var unverified = new List<string>();
            for (var index = 0; index < files.Count; index++)
            {
                var name = SharedDicomFiles.Relative(files[index]);
                var (syntax, ours, ourError) = DecodeOurselves(files[index], registry);
                var expected = oracle[index];
                if (syntax is null)
                {
                    continue;
                }

                var claimed = registry.CanDecode(syntax);
                if (ours is not null && expected.Ok)
                {
                    var reference = File.ReadAllBytes(Path.Combine(oracleDirectory.FullName, $"{index}.raw"));
                    if (ours.AsSpan().SequenceEqual(reference))
                    {
                        matched[syntax.Name] = matched.GetValueOrDefault(syntax.Name) + 1;
                    }
                    else
                    {
                        failures.Add($"{name} ({syntax.Name}): {Mismatch(ours, reference)} vs {expected.Decoder}");
                    }
                }
                else if (ours is null && DeliberateRefusals.TryGetValue(name, out var damage) && ourError!.Contains(damage, StringComparison.Ordinal))
                {
                    output.WriteLine($"refused as documented: {name}: {ourError}");
                }
                else if (ours is null && expected.Ok && claimed)
                {
                    failures.Add($"{name} ({syntax.Name}): we failed ({ourError}) where {expected.Decoder} decodes it");
                }
                else if (ours is null && !claimed)
                {
                    output.WriteLine($"not claimed: {name} ({syntax.Name}): {ourError}");
                }
                else if (ours is not null)
                {
                    unverified.Add($"{name} ({syntax.Name}): decoded by us, no oracle ({expected.Error})");
                }
                else
                {
                    output.WriteLine($"neither decodes {name} ({syntax.Name}): ours: {ourError}; oracle: {expected.Error}");
                }
            }

            foreach (var (name, count) in matched.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"byte-identical to the oracle: {count,4} file(s) in {name}");
            }

            failures.AddRange(unverified.Select(line => "unverified: " + line));
            failures.ForEach(line => output.WriteLine("FAILED: " + line));
            Assert.Empty(failures);
            Assert.NotEmpty(matched);
        }
        finally
        {
            oracleDirectory.Delete(recursive: true);
        }
    }

    private static (DicomTransferSyntax? Syntax, byte[]? Values, string? Error) DecodeOurselves(string path, DicomCodecRegistry registry)
    {
        DicomFile file;
        try
        {
            file = DicomFile.Open(path);
        }
        catch (DicomParseException)
        {
            return (null, null, null);
        }

        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            return (null, null, null);
        }

        try
        {
            var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
            using var values = new MemoryStream();
            StoredPixelValues.Write(pixelData, values, registry);
            return (file.TransferSyntax, values.ToArray(), null);
        }
        catch (DicomException exception)
        {
            return (file.TransferSyntax, null, exception.Message);
        }
    }

    private static string Mismatch(byte[] ours, byte[] reference)
    {
        if (ours.Length != reference.Length)
        {
            return $"{ours.Length} bytes, oracle {reference.Length}";
        }

        var differing = 0;
        var first = -1;
        for (var i = 0; i < ours.Length; i++)
        {
            if (ours[i] != reference[i])
            {
                differing++;
                first = first < 0 ? i : first;
            }
        }

        return $"{differing} of {ours.Length} bytes differ, first at {first} (ours {ours[first]}, oracle {reference[first]})";
    }

    private static List<OracleRecord> RunOracle(IReadOnlyList<string> files, string directory)
    {
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "pixels_oracle.py");
        var (exitCode, stdout, stderr) = ExternalTool.Run(ExternalTool.DebianPython, [script, directory, .. files], "python3-pydicom python3-gdcm dcmtk", timeout: TimeSpan.FromMinutes(10));
        Assert.True(exitCode == 0, $"The pixel oracle failed: {stderr}");
        var records = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<OracleRecord>(line, JsonOptions)!)
            .ToList();
        Assert.Equal(files.Count, records.Count);
        return records;
    }

    private sealed record OracleRecord(int Index, string File, bool Ok, string? Decoder, string? Error);
}
