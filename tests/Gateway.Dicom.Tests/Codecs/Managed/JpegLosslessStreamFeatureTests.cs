using System.Buffers.Binary;
using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Restart intervals, one scan per component, tables defined between scans, point transforms and fill
/// bytes: streams from <see cref="LosslessStreamBuilder"/> decode as DCMTK and pydicom+GDCM decode them,
/// and to the source image (with the low Pt bits cleared).
/// </summary>
public class JpegLosslessStreamFeatureTests
{
    private static readonly IReadOnlyList<FeatureCase> Cases =
    [
        new("restart-every-row-16u", Info(1, 16, 16, false), new LosslessStreamBuilder { Predictor = 4, RestartRows = 1 }),
        new("restart-every-5-rows-rgb", Info(3, 8, 8, false), new LosslessStreamBuilder { Predictor = 7, RestartRows = 5 }),
        new("separate-scans-rgb", Info(3, 8, 8, false), new LosslessStreamBuilder { Predictor = 2, SeparateScans = true }),
        new("separate-scans-restart-pt2-rgb12", Info(3, 16, 12, false), new LosslessStreamBuilder { Predictor = 5, SeparateScans = true, RestartRows = 3, PointTransform = 2 }),
        new("fill-bytes-16s", Info(1, 16, 16, true), new LosslessStreamBuilder { Predictor = 6, FillBytes = 3 }),
        new("pt4-restart-12s", Info(1, 16, 12, true), new LosslessStreamBuilder { Predictor = 3, PointTransform = 4, RestartRows = 7 }),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, OracleDecodings>> Decoded = new(() =>
        ManagedCodecOracle.Verify(Cases.Select(c => new EncodedFrames(c.Name, DicomTransferSyntax.JpegLossless, c.Info, [c.Stream]))));

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Stream_decodes_like_dcmdjpeg_and_gdcm_and_to_the_source(string name)
    {
        var featureCase = Cases.Single(c => c.Name == name);
        var decoded = new JpegLosslessCodec().Decode(featureCase.Stream, DicomTransferSyntax.JpegLossless, featureCase.Info);
        AssertBytes.Equal(featureCase.Expected, decoded.Data, $"{name} vs source");
        foreach (var (oracle, expected) in Decoded.Value[name].Require("dcmtk", "pydicom"))
        {
            AssertBytes.Equal(expected, decoded.Data, $"{name} vs {oracle}");
        }
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 4)]
    public void Four_components_decode_to_the_source(bool separateScans, int restartRows)
    {
        // DICOM has no four-sample photometric interpretation the oracles decode, so the source image is the answer.
        var info = Info(4, 16, 14, false);
        var source = SyntheticImage.Create(info, 4);
        var stream = new LosslessStreamBuilder { Predictor = 7, SeparateScans = separateScans, RestartRows = restartRows }.Build(source, info);
        AssertBytes.Equal(source, new JpegLosslessCodec().Decode(stream, DicomTransferSyntax.JpegLossless, info).Data, "4 components");
    }

    private static FrameInfo Info(int samples, int bitsAllocated, int bitsStored, bool signed) =>
        new(41, 29, samples, bitsAllocated, bitsStored, signed, samples == 3 ? "RGB" : "MONOCHROME2");

    private sealed class FeatureCase
    {
        public FeatureCase(string name, FrameInfo info, LosslessStreamBuilder builder)
        {
            Name = name;
            Info = info;
            var source = SyntheticImage.Create(info, name.Length);
            Stream = builder.Build(source, info);
            Expected = ClearLowBits(source, info, builder.PointTransform);
        }

        public string Name { get; }

        public FrameInfo Info { get; }

        public byte[] Stream { get; }

        public byte[] Expected { get; }

        private static byte[] ClearLowBits(byte[] source, FrameInfo info, int bits)
        {
            var result = (byte[])source.Clone();
            for (var i = 0; i < result.Length; i += info.BytesPerSample)
            {
                if (info.BitsAllocated == 8)
                {
                    result[i] &= (byte)(0xFF << bits);
                }
                else
                {
                    var value = BinaryPrimitives.ReadUInt16LittleEndian(result.AsSpan(i));
                    BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(i), (ushort)(value & (0xFFFF << bits)));
                }
            }

            return result;
        }
    }
}
