namespace Gateway.Dicom.Tests.Part10;

public class ReadAllSharedFilesTests(ITestOutputHelper output)
{
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
                failures.Add($"{SharedDicomFiles.Relative(path)}: {exception.Message}");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine("FAILED " + failure);
        }

        output.WriteLine($"{count} files, {failures.Count} failed");
        Assert.Empty(failures);
    }
}
