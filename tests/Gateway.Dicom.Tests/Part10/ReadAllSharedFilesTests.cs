namespace Gateway.Dicom.Tests.Part10;

public class ReadAllSharedFilesTests(ITestOutputHelper output)
{
    /// <summary>
    /// Files that are broken beyond reading, each with the problem our message must name. DCMTK's dcmdump
    /// refuses both as well (pydicom reads past the damage and returns garbage).
    /// </summary>
    private static readonly Dictionary<string, string> Broken = new(StringComparer.Ordinal)
    {
        // An item (FFFE,E000) of the Sequence of Ultrasound Regions appears without its sequence header.
        ["dicom-conformance/fo-dicom/GH364.dcm"] = "Unexpected (FFFE,E000) (length 132) at offset 1136",
        // The data set ends in zero bytes that read as a (0000,0000) element with a 337 MB length.
        ["dicom-conformance/fo-dicom/GH626.dcm"] = "declares a length of 337256453 bytes at offset 1088, but only 131084 bytes remain",
    };

    [Fact]
    public void Every_shared_file_parses_or_fails_with_a_named_problem()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var path in SharedDicomFiles.All())
        {
            count++;
            try
            {
                var file = DicomFile.Open(path);
                foreach (var warning in file.Warnings)
                {
                    output.WriteLine($"{SharedDicomFiles.Relative(path)}: warning: {warning}");
                }
            }
            catch (DicomParseException exception)
            {
                var name = SharedDicomFiles.Relative(path);
                if (!Broken.TryGetValue(name, out var problem) || !exception.Message.Contains(problem, StringComparison.Ordinal))
                {
                    failures.Add($"{name}: {exception.Message}");
                }
                else
                {
                    output.WriteLine($"{name}: rejected as expected: {exception.Message}");
                }
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine("FAILED " + failure);
        }

        output.WriteLine($"{count} files, {failures.Count} failed");
        Assert.True(count > 390, $"only {count} files found");
        Assert.Empty(failures);
    }
}
