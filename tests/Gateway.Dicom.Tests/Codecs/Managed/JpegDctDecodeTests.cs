using Gateway.Dicom.Codecs.Jpeg;

namespace Gateway.Dicom.Tests.Codecs.Managed;

public class JpegDctDecodeTests
{
    public static TheoryData<string> Files() => new(ManagedCodecOracle.JpegDctFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_frame_decodes_bit_exact_with_dcmdjpeg(string file)
    {
        var oracle = ManagedCodecOracle.Load(file);
        Assert.Contains(oracle.Syntax, new JpegDctCodec().TransferSyntaxes);
        Assert.Contains("dcmtk", oracle.Oracles.Keys);
        var codec = new JpegDctCodec();
        for (var i = 0; i < oracle.Frames.Count; i++)
        {
            var decoded = codec.Decode(oracle.Frames[i], oracle.Syntax, oracle.Info);
            AssertBytes.Equal(oracle.OracleFrame("dcmtk", i), decoded.Data, $"{oracle.Name} frame {i} vs dcmtk");
        }
    }
}
