using System.Collections.Concurrent;

namespace Gateway.Dicom.Tests.Part10;

/// <summary>
/// Files we write pass DCMTK's dcmdump without warnings and dicom3tools' dciodvfy without errors that the
/// input did not already have. dciodvfy cannot read deflated files, so a deflated input is measured on
/// DCMTK's inflated copy (dcmconv +te) as well. The meta group is regenerated from the data set (Media Storage
/// SOP Instance UID = SOP Instance UID, PS3.10 7.1), so an error on a group 0002 element counts as the input's
/// when the input had an error about the same value.
/// </summary>
public class WrittenFilesValidateTests(ITestOutputHelper output)
{
    [Fact]
    public void Written_files_add_no_dcmdump_warnings_and_no_dciodvfy_errors()
    {
        var failures = new ConcurrentBag<string>();
        var written = 0;
        var scratch = Directory.CreateTempSubdirectory("written-files-");
        try
        {
            var files = SharedDicomFiles.All().Select((path, index) => (path, index)).ToList();
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, entry =>
            {
                DicomFile original;
                try
                {
                    original = DicomFile.Open(entry.path);
                }
                catch (DicomParseException)
                {
                    return;
                }

                if (!original.TransferSyntax.IsKnown)
                {
                    return;
                }

                var name = SharedDicomFiles.Relative(entry.path);
                var target = original.TransferSyntax.IsEncapsulated || original.TransferSyntax.IsDeflated
                    ? original.TransferSyntax == DicomTransferSyntax.DeflatedExplicitVRLittleEndian ? DicomTransferSyntax.ExplicitVRLittleEndian : original.TransferSyntax
                    : original.TransferSyntax;
                var ours = Path.Combine(scratch.FullName, $"{entry.index}.ours.dcm");
                new DicomFile(original.Dataset, target, original.FileMetaInformation).Save(ours);
                Interlocked.Increment(ref written);

                var inputWarnings = DicomValidators.DcmdumpProblems(entry.path);
                var newWarnings = DicomValidators.DcmdumpProblems(ours).Except(inputWarnings).ToList();
                if (newWarnings.Count > 0)
                {
                    failures.Add($"{name}: dcmdump: {string.Join(" | ", newWarnings)}");
                }

                var inputErrors = DicomValidators.DciodvfyErrors(entry.path);
                if (original.TransferSyntax.IsDeflated)
                {
                    var inflated = Path.Combine(scratch.FullName, $"{entry.index}.inflated.dcm");
                    ExternalTool.Run("dcmconv", ["+te", entry.path, inflated], "dcmtk");
                    inputErrors.UnionWith(DicomValidators.DciodvfyErrors(inflated));
                }

                var newErrors = DicomValidators.DciodvfyErrors(ours).Where(error => !DicomValidators.Explained(error, inputErrors)).ToList();
                if (newErrors.Count > 0)
                {
                    failures.Add($"{name}: dciodvfy: {string.Join(" | ", newErrors)}");
                }
            });
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        foreach (var failure in failures.OrderBy(line => line, StringComparer.Ordinal))
        {
            output.WriteLine(failure);
        }

        output.WriteLine($"{written} files written and validated");
        Assert.True(written > 300, $"only {written} files were written");
        Assert.Empty(failures);
    }
}
