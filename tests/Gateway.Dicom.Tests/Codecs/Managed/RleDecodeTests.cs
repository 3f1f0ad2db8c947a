using Gateway.Dicom.Codecs.Rle;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

public class RleDecodeTests
{
    private static IReadOnlyList<RleStreamCase> StreamCases { get; } =
    [
        new("16s-12bit-dirty-high-bits", new FrameInfo(21, 33, 1, 16, 12, true, "MONOCHROME2"), DirtyHighBits: true),
        new("16u-10bit-dirty-high-bits", new FrameInfo(21, 33, 1, 16, 10, false, "MONOCHROME2"), DirtyHighBits: true),
        new("32u-rgb", new FrameInfo(17, 9, 3, 32, 32, false, "RGB")),
        new("16u-rgb-planar", new FrameInfo(19, 23, 3, 16, 16, false, "RGB", PlanarConfiguration.Planar)),
        new("8u-odd-width", new FrameInfo(30, 301, 1, 8, 8, false, "MONOCHROME2")),
        new("8u-rgb", new FrameInfo(30, 40, 3, 8, 8, false, "RGB")),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, DcmtkEncoded>> DcmtkStreams = new(() =>
        ManagedCodecOracle.EncodeWithDcmtk(StreamCases.Select(c => new DcmtkEncodeRequest(c.Name, c.Info, [c.Native], "dcmcrle", []))));

    public static TheoryData<string> Files() => new(ManagedCodecOracle.RleFiles);

    public static TheoryData<string> StreamCaseNames() => new(StreamCases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_frame_decodes_bit_exact_with_the_oracles(string file)
    {
        var oracle = ManagedCodecOracle.Load(file);
        Assert.Equal(DicomTransferSyntax.RleLossless, oracle.Syntax);

        // DCMTK and pydicom both decode every RLE file but the 1-bit liver_rle, whose oracle is liver.dcm.
        var expected = oracle.Info.BitsAllocated == 1 ? new[] { "reference" } : ["dcmtk", "pydicom"];
        Assert.All(expected, name => Assert.Contains(name, oracle.Oracles.Keys));
        var codec = new RleCodec();
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

    [Theory]
    [MemberData(nameof(StreamCaseNames))]
    public void Dcmcrle_output_decodes_like_dcmdrle_and_pydicom(string name)
    {
        var streamCase = StreamCases.Single(c => c.Name == name);
        var encoded = DcmtkStreams.Value[name];
        Assert.Equal(DicomTransferSyntax.RleLossless, encoded.Syntax);
        var decoded = new RleCodec().Decode(encoded.Frames[0], encoded.Syntax, encoded.Info);
        foreach (var (oracle, expected) in encoded.Oracles.Require("dcmtk", "pydicom"))
        {
            AssertBytes.Equal(expected, decoded.Data, $"{name} vs {oracle}");
        }
    }

    private sealed record RleStreamCase(string Name, FrameInfo Info, bool DirtyHighBits = false)
    {
        /// <summary>The native frame handed to dcmcrle: in the case's planar configuration, optionally with bits set above BitsStored.</summary>
        public byte[] Native { get; } = MakeNative(Name, Info, DirtyHighBits);

        private static byte[] MakeNative(string name, FrameInfo info, bool dirty)
        {
            var image = SyntheticImage.Create(info with { PlanarConfiguration = PlanarConfiguration.Interleaved }, name.Length);
            if (dirty)
            {
                // Overlay-like garbage above the high bit: decoders must clear it (or sign-extend over it).
                for (var i = 1; i < image.Length; i += 2 * 7)
                {
                    image[i] ^= 0xA0;
                }
            }

            return info.PlanarConfiguration == PlanarConfiguration.Planar ? SyntheticImage.ToPlanar(image, info) : image;
        }
    }
}
