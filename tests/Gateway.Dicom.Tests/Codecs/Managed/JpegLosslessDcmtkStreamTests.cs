using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Streams produced by DCMTK's own lossless encoder (dcmcjpeg) with every predictor, point transforms and
/// precisions from 2 to 16 bits decode exactly as dcmdjpeg and pydicom+GDCM decode them.
/// </summary>
public class JpegLosslessDcmtkStreamTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, DcmtkEncoded>> Encoded = new(() =>
        ManagedCodecOracle.EncodeWithDcmtk(Cases.Select(c => new DcmtkEncodeRequest(c.Name, c.Info, [SyntheticImage.Create(c.Info, c.Name.Length)], "dcmcjpeg", c.Arguments))));

    private static IEnumerable<StreamCase> Cases
    {
        get
        {
            for (var predictor = 1; predictor <= 7; predictor++)
            {
                yield return Case($"sv{predictor}-16u", 16, 16, false, 1, "+el", "+sv", $"{predictor}");
                yield return Case($"sv{predictor}-8rgb", 8, 8, false, 3, "+el", "+sv", $"{predictor}");
            }

            yield return Case("sv6-12s", 16, 12, true, 1, "+el", "+sv", "6");
            yield return Case("sv4-16s", 16, 16, true, 1, "+el", "+sv", "4");
            yield return Case("pt3-sv5-12u", 16, 12, false, 1, "+el", "+sv", "5", "+pt", "3");
            yield return Case("pt1-sv1-8rgb", 8, 8, false, 3, "+e1", "+pt", "1");
            foreach (var bits in new[] { 2, 5, 7, 10, 13, 15 })
            {
                yield return Case($"sv1-{bits}u", bits <= 8 ? 8 : 16, bits, false, 1, "+e1");
            }
        }
    }

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Dcmtk_encoded_stream_decodes_like_dcmdjpeg_and_gdcm(string name)
    {
        var streamCase = Cases.Single(c => c.Name == name);
        var encoded = Encoded.Value[name];
        Assert.Contains(encoded.Syntax, new JpegLosslessCodec().TransferSyntaxes);
        var decoded = new JpegLosslessCodec().Decode(encoded.Frames[0], encoded.Syntax, encoded.Info);

        // GDCM 3.0.21 aborts (an assertion on BitsAllocated == BitsStored) on lossless JPEG of fewer than 8 bits
        // in 8-bit samples; DCMTK is the oracle there.
        var oracles = streamCase.Info.BitsStored < 8 ? new[] { "dcmtk" } : ["dcmtk", "pydicom"];
        foreach (var (oracle, expected) in encoded.Oracles.Require(oracles))
        {
            AssertBytes.Equal(expected, decoded.Data, $"{name} vs {oracle}");
        }
    }

    private static StreamCase Case(string name, int bitsAllocated, int bitsStored, bool signed, int samples, params string[] arguments) =>
        new(name, new FrameInfo(37, 53, samples, bitsAllocated, bitsStored, signed, samples == 3 ? "RGB" : "MONOCHROME2"), arguments);

    private sealed record StreamCase(string Name, FrameInfo Info, string[] Arguments);
}
