using Gateway.Dicom.Json;

namespace Gateway.Dicom.Tests.Json;

/// <summary>Every readable shared file's data set keeps every value through DICOM JSON and back.</summary>
public class SharedFilesJsonRoundTripTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_readable_shared_file_keeps_every_value_through_JSON()
    {
        var failures = new List<string>();
        var checkedFiles = 0;
        foreach (var path in SharedDicomFiles.All())
        {
            DicomFile file;
            try
            {
                file = DicomFile.Open(path);
            }
            catch (DicomParseException)
            {
                continue;
            }

            checkedFiles++;
            var relative = SharedDicomFiles.Relative(path);
            try
            {
                failures.AddRange(RoundTrip(file).Take(5).Select(difference => $"{relative}: {difference}"));
            }
            catch (DicomException exception)
            {
                failures.Add($"{relative}: {exception.Message}");
            }
        }

        failures.ForEach(output.WriteLine);
        output.WriteLine($"{checkedFiles} files through JSON and back");
        Assert.NotEqual(0, checkedFiles);
        Assert.Empty(failures);
    }

    /// <summary>
    /// Values over 16 KiB go out as BulkDataURIs and come back through the resolver, as WADO-RS metadata plus bulk
    /// data would; the rest, encapsulated pixel data included, go inline.
    /// </summary>
    private static List<string> RoundTrip(DicomFile file)
    {
        var bulk = new Dictionary<string, ReadOnlyMemory<byte>>();
        var policy = new DicomBulkDataPolicy(
            (path, element) =>
            {
                if (element is not DicomValueElement value)
                {
                    return null;
                }

                var uri = "bulk/" + path;
                bulk.Add(uri, value.Value);
                return uri;
            },
            thresholdBytes: 16 * 1024);
        var json = DicomJsonWriter.SerializeToUtf8Bytes(file.Dataset, new DicomJsonWriterOptions { BulkData = policy });
        var reread = DicomJsonReader.Read(json, new DicomJsonReaderOptions
        {
            BulkDataResolver = reference => bulk[reference.Uri],
            TransferSyntax = file.TransferSyntax.IsKnown ? file.TransferSyntax : null,
        });
        return ValuePreservationComparer.Differences(file.Dataset, reread);
    }
}
