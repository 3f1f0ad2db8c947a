namespace Gateway.Dicom.Tests.Part10;

public class RoundTripTests(ITestOutputHelper output)
{
    private static readonly DicomTransferSyntax[] NativeSyntaxes =
    [
        DicomTransferSyntax.ImplicitVRLittleEndian,
        DicomTransferSyntax.ExplicitVRLittleEndian,
        DicomTransferSyntax.ExplicitVRBigEndian,
        DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
    ];

    [Fact]
    public void Every_readable_shared_file_keeps_every_value_when_written_back_in_each_native_syntax()
    {
        var failures = new List<string>();
        var checkedFiles = 0;
        foreach (var path in SharedDicomFiles.All())
        {
            DicomFile original;
            try
            {
                original = DicomFile.Open(path);
            }
            catch (DicomParseException)
            {
                continue;
            }

            checkedFiles++;
            var targets = original.TransferSyntax.IsEncapsulated || !original.TransferSyntax.IsKnown
                ? [original.TransferSyntax]
                : NativeSyntaxes;
            foreach (var syntax in targets.Where(syntax => syntax.IsKnown))
            {
                var copy = new DicomFile(original.Dataset, syntax, original.FileMetaInformation);
                using var stream = new MemoryStream();
                copy.Save(stream);
                stream.Position = 0;
                var reread = DicomFile.Read(stream);
                var differences = DatasetComparer.Differences(original.Dataset, reread.Dataset, allowVRChanges: !syntax.IsExplicitVR);
                if (reread.TransferSyntax.Uid != syntax.Uid)
                {
                    failures.Add($"{SharedDicomFiles.Relative(path)} -> {syntax.Name}: read back as {reread.TransferSyntax.Uid}");
                }

                failures.AddRange(differences.Take(5).Select(difference => $"{SharedDicomFiles.Relative(path)} -> {syntax.Name}: {difference}"));
            }
        }

        failures.ForEach(output.WriteLine);
        output.WriteLine($"{checkedFiles} files round-tripped");
        Assert.Empty(failures);
    }
}
