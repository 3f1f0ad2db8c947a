using Gateway.Dicom.Codecs.Jpeg;

namespace Gateway.Dicom.Tests.Codecs.Managed;

public class JpegLosslessDecodeTests
{
    public static TheoryData<string> Files() => new(ManagedCodecOracle.JpegLosslessFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_frame_decodes_bit_exact_with_dcmtk_and_gdcm(string file)
    {
        var oracle = ManagedCodecOracle.Load(file);
        Assert.Contains(oracle.Syntax, new JpegLosslessCodec().TransferSyntaxes);
        Assert.Contains("dcmtk", oracle.Oracles.Keys);
        Assert.Contains("pydicom", oracle.Oracles.Keys);
        var codec = new JpegLosslessCodec();
        for (var i = 0; i < oracle.Frames.Count; i++)
        {
            var decoded = codec.Decode(oracle.Frames[i], oracle.Syntax, oracle.Info);
            Assert.Equal(oracle.Info.PhotometricInterpretation, decoded.PhotometricInterpretation);
            foreach (var name in oracle.Oracles.Keys)
            {
                AssertBytes.Equal(oracle.OracleFrame(name, i), decoded.Data, $"{oracle.Name} frame {i} vs {name}");
            }
        }
    }
}
