using Gateway.Dicom.Codecs.Deflate;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Deflated Image Frame Compression: liver_deflate.dcm decodes to the pixels of the uncompressed
/// liver.dcm (pydicom+GDCM cannot decode this syntax), and what we encode inflates, with zlib's raw
/// inflate in Python, to exactly the input.
/// </summary>
public class DeflatedImageFrameCodecTests
{
    private static readonly IReadOnlyList<(string Name, FrameInfo Info)> Cases =
    [
        ("1bit", new FrameInfo(64, 48, 1, 1, 1, false, "MONOCHROME2")),
        ("8u", new FrameInfo(50, 61, 1, 8, 8, false, "MONOCHROME2")),
        ("16s-12bit", new FrameInfo(33, 20, 1, 16, 12, true, "MONOCHROME2")),
        ("16u-rgb-planar", new FrameInfo(21, 13, 3, 16, 16, false, "RGB", PlanarConfiguration.Planar)),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, OracleDecodings>> Inflated = new(() =>
        ManagedCodecOracle.Verify(Cases.Select(c => new EncodedFrames(c.Name, DicomTransferSyntax.DeflatedImageFrameCompression, c.Info, [Encode(c.Name, c.Info)]))));

    public static TheoryData<string> Files() => new(ManagedCodecOracle.DeflatedImageFrameFiles);

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_frame_decodes_to_the_uncompressed_reference(string file)
    {
        var oracle = ManagedCodecOracle.Load(file);
        Assert.Equal(DicomTransferSyntax.DeflatedImageFrameCompression, oracle.Syntax);
        Assert.Contains("reference", oracle.Oracles.Keys);
        for (var i = 0; i < oracle.Frames.Count; i++)
        {
            var decoded = new DeflatedImageFrameCodec().Decode(oracle.Frames[i], oracle.Syntax, oracle.Info);
            AssertBytes.Equal(oracle.OracleFrame("reference", i), decoded.Data, $"{oracle.Name} frame {i}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encoded_frame_inflates_to_the_native_input_and_has_even_length(string name)
    {
        var info = Cases.Single(c => c.Name == name).Info;
        Assert.True(Encode(name, info).Length % 2 == 0);
        var (_, inflated) = Inflated.Value[name].Require("zlib").Single();
        AssertBytes.Equal(Native(name, info), inflated, $"{name} inflated by zlib");
    }

    [Fact]
    public void A_planar_frame_decodes_interleaved()
    {
        var info = new FrameInfo(3, 2, 3, 8, 8, false, "RGB", PlanarConfiguration.Planar);
        byte[] planar = [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26];
        var codec = new DeflatedImageFrameCodec();
        var decoded = codec.Decode(codec.Encode(planar, DicomTransferSyntax.DeflatedImageFrameCompression, info, EncodeOptions.Default), DicomTransferSyntax.DeflatedImageFrameCompression, info);
        Assert.Equal([1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24, 5, 15, 25, 6, 16, 26], decoded.Data);
    }

    [Fact]
    public void Damaged_or_short_data_throws_a_codec_exception()
    {
        var info = Cases[1].Info;
        var codec = new DeflatedImageFrameCodec();
        var encoded = Encode("8u", info);
        Assert.Throws<DicomCodecException>(() => codec.Decode(encoded.AsSpan(0, encoded.Length / 2), DicomTransferSyntax.DeflatedImageFrameCompression, info));
        Assert.Throws<DicomCodecException>(() => codec.Decode(encoded, DicomTransferSyntax.DeflatedImageFrameCompression, info with { Rows = info.Rows + 1 }));
        var random = new Random(5);
        for (var trial = 0; trial < 300; trial++)
        {
            var damaged = (byte[])encoded.Clone();
            damaged[random.Next(damaged.Length)] ^= (byte)random.Next(1, 256);
            try
            {
                codec.Decode(damaged, DicomTransferSyntax.DeflatedImageFrameCompression, info);
            }
            catch (DicomCodecException)
            {
            }
        }
    }

    private static byte[] Native(string name, FrameInfo info)
    {
        if (info.BitsAllocated == 1)
        {
            var bits = new byte[info.NativeFrameLength];
            new Random(3).NextBytes(bits.AsSpan(0, bits.Length / 2));
            return bits;
        }

        var image = SyntheticImage.Create(info with { PlanarConfiguration = PlanarConfiguration.Interleaved }, name.Length);
        return info.PlanarConfiguration == PlanarConfiguration.Planar ? SyntheticImage.ToPlanar(image, info) : image;
    }

    private static byte[] Encode(string name, FrameInfo info) =>
        new DeflatedImageFrameCodec().Encode(Native(name, info), DicomTransferSyntax.DeflatedImageFrameCompression, info, EncodeOptions.Default);
}
