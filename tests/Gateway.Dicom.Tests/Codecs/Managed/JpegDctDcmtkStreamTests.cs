using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Streams DCMTK's dcmcjpeg writes in the processes our DCT decoder exists for (12-bit extended, spectral
/// selection, full progression), in grey and in colour with 4:4:4, 4:2:2 and 4:1:1 sampling, decode
/// exactly as dcmdjpeg decodes them.
/// </summary>
public class JpegDctDcmtkStreamTests
{
    private static readonly IReadOnlyList<DctCase> Cases =
    [
        new("extended-12bit", Mono(12), ["+ee", "+q", "85"]),
        new("extended-12bit-signed", Mono(12, signed: true), ["+ee", "+q", "60"]),
        new("spectral-12bit", Mono(12), ["+es", "+q", "95"]),
        new("progressive-12bit", Mono(12), ["+ep"]),
        new("progressive-8bit", Mono(8), ["+ep", "+q", "75"]),
        new("extended-12bit-rgb-422", Rgb(), ["+ee", "+bt", "+s2"]),
        new("spectral-rgb-411", Rgb(), ["+es", "+n1"]),
        new("progressive-rgb-444", Rgb(), ["+ep", "+s4"]),
        new("progressive-12bit-rgb-422-full", Rgb(), ["+ep", "+bt", "+n2"]),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, DcmtkEncoded>> Encoded = new(() =>
        ManagedCodecOracle.EncodeWithDcmtk(Cases.Select(c => new DcmtkEncodeRequest(c.Name, c.Info, [SyntheticImage.Create(c.Info, 3 + c.Name.Length)], "dcmcjpeg", c.Arguments))));

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Dcmtk_encoded_stream_decodes_like_dcmdjpeg(string name)
    {
        var encoded = Encoded.Value[name];
        Assert.Contains(encoded.Syntax, new JpegDctCodec().TransferSyntaxes);
        var decoded = new JpegDctCodec().Decode(encoded.Frames[0], encoded.Syntax, encoded.Info);
        var (_, expected) = encoded.Oracles.Require("dcmtk").Single();
        AssertBytes.Equal(expected, decoded.Data, $"{name} ({encoded.Info.PhotometricInterpretation}, {encoded.Info.BitsStored} bits) vs dcmtk");
        Assert.Equal(encoded.Info.SamplesPerPixel == 3 ? "RGB" : encoded.Info.PhotometricInterpretation, decoded.PhotometricInterpretation);
    }

    private static FrameInfo Mono(int bits, bool signed = false) => new(67, 45, 1, bits <= 8 ? 8 : 16, bits, signed, "MONOCHROME2");

    private static FrameInfo Rgb() => new(38, 51, 3, 8, 8, false, "RGB");

    private sealed record DctCase(string Name, FrameInfo Info, string[] Arguments);
}
