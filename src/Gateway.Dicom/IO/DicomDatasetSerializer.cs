namespace Gateway.Dicom.IO;

/// <summary>Data sets without a file around them: as DIMSE messages carry them, in a given transfer syntax.</summary>
public static class DicomDatasetSerializer
{
    /// <summary>Encodes <paramref name="dataset"/> in <paramref name="syntax"/> (pixel data must already be in that syntax's form).</summary>
    public static void Serialize(DicomDataset dataset, DicomTransferSyntax syntax, Stream output)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(output);
        if (syntax.IsDeflated)
        {
            using var deflate = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
            new DicomDatasetWriter(deflate, DicomEncoding.Of(syntax)).WriteDataset(dataset);
            return;
        }

        new DicomDatasetWriter(output, DicomEncoding.Of(syntax)).WriteDataset(dataset);
    }

    public static byte[] Serialize(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        using var output = new MemoryStream();
        Serialize(dataset, syntax, output);
        return output.ToArray();
    }

    /// <summary>Reads a whole data set encoded in <paramref name="syntax"/> from <paramref name="input"/>.</summary>
    public static DicomDataset Deserialize(Stream input, DicomTransferSyntax syntax, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(syntax);
        options ??= DicomReadOptions.Default;
        var reader = new DicomDatasetReader(options, []);
        var source = syntax.IsDeflated ? DeflateDetection.Open(input, options.MaxInflatedLength) : input;
        return reader.ReadTopLevel(new DicomInput(source), DicomEncoding.Of(syntax));
    }

    public static DicomDataset Deserialize(ReadOnlyMemory<byte> data, DicomTransferSyntax syntax, DicomReadOptions? options = null)
    {
        using var input = new MemoryStream(data.ToArray(), writable: false);
        return Deserialize(input, syntax, options);
    }
}
