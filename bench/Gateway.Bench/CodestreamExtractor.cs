using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Bench;

/// <summary>
/// Writes the compressed bitstream of frame 1 of each file to <c>--out</c> (named after the file, with the
/// extension opj_decompress needs to recognise it: .j2k for a raw codestream, .jp2 for a JP2-wrapped one, .jls,
/// .jpg), and a manifest.tsv describing the frame, so that native tools decode exactly the bytes our codecs do.
/// </summary>
internal static class CodestreamExtractor
{
    private static ReadOnlySpan<byte> Jp2Signature => [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20];

    public static void Run(BenchArguments arguments)
    {
        var folder = arguments.OutputFolder ?? throw new ArgumentException("extract: --out FOLDER is required.");
        Directory.CreateDirectory(folder);
        var invariant = CultureInfo.InvariantCulture;
        using var manifest = new StreamWriter(Path.Combine(folder, "manifest.tsv"));
        manifest.WriteLine("case\tcodestream\tcolumns\trows\tsamples\tbits_allocated\tbits_stored\tsigned\tdecoded_bytes");
        foreach (var path in arguments.Paths)
        {
            var file = DicomFile.Open(path);
            var family = CodecFamily.All.FirstOrDefault(f => f.Contains(file.TransferSyntax))
                ?? throw new ArgumentException($"{path} is {file.TransferSyntax.Name}, which no benchmark covers.");
            var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
            var frame = pixelData.GetEncodedFrame(0).Span;
            var extension = family == CodecFamily.Jpeg2000 && frame.StartsWith(Jp2Signature) ? "jp2" : family.CodestreamExtension;
            var name = $"{DecodeBenchmark.CaseName(path)}.{extension}";
            File.WriteAllBytes(Path.Combine(folder, name), frame.ToArray());
            var info = pixelData.Info;
            manifest.WriteLine(string.Join('\t',
                DecodeBenchmark.CaseName(path),
                name,
                info.Columns.ToString(invariant),
                info.Rows.ToString(invariant),
                info.SamplesPerPixel.ToString(invariant),
                info.BitsAllocated.ToString(invariant),
                info.BitsStored.ToString(invariant),
                info.IsSigned ? "1" : "0",
                info.NativeFrameLength.ToString(invariant)));
        }
    }
}
