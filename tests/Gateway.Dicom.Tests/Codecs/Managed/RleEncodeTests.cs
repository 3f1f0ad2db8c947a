using System.Buffers.Binary;
using Gateway.Dicom.Codecs.Rle;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>What our RLE encoder writes follows PS3.5 annex G and decodes, with dcmdrle and pydicom, to exactly the input.</summary>
public class RleEncodeTests
{
    private static readonly IReadOnlyList<(string Name, FrameInfo Info)> Cases =
    [
        ("8u-odd-width", new FrameInfo(31, 301, 1, 8, 8, false, "MONOCHROME2")),
        ("8u-rgb", new FrameInfo(20, 40, 3, 8, 8, false, "RGB")),
        ("8u-rgb-planar", new FrameInfo(20, 41, 3, 8, 8, false, "RGB", PlanarConfiguration.Planar)),
        ("16s-12bit", new FrameInfo(27, 35, 1, 16, 12, true, "MONOCHROME2")),
        ("16u-rgb", new FrameInfo(12, 17, 3, 16, 16, false, "RGB")),
        ("32u", new FrameInfo(9, 11, 1, 32, 32, false, "MONOCHROME2")),
        ("32u-rgb-planar", new FrameInfo(9, 12, 3, 32, 32, false, "RGB", PlanarConfiguration.Planar)),
        ("long-runs", new FrameInfo(10, 700, 1, 8, 8, false, "MONOCHROME2")),
        ("1bit", new FrameInfo(37, 64, 1, 1, 1, false, "MONOCHROME2")),
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, OracleDecodings>> Decoded = new(() =>
        ManagedCodecOracle.VerifyFrames(Cases.Select(c => new EncodedFrame(c.Name, DicomTransferSyntax.RleLossless, c.Info, Encode(c.Name, c.Info)))));

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encoded_frame_decodes_to_the_input_with_the_oracles(string name)
    {
        var info = Cases.Single(c => c.Name == name).Info;

        // Neither DCMTK nor pydicom's RLE handler takes 1-bit pixels; pydicom's segment decoder does.
        var oracles = info.BitsAllocated == 1 ? new[] { "pydicom-rle" } : ["dcmtk", "pydicom"];
        foreach (var (oracle, decoded) in Decoded.Value[name].Require(oracles))
        {
            AssertBytes.Equal(Image(name, info), decoded, $"{name} decoded by {oracle}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encoded_frame_follows_the_segment_rules_of_annex_G(string name)
    {
        var info = Cases.Single(c => c.Name == name).Info;
        var encoded = Encode(name, info);
        var segments = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        Assert.Equal(info.SamplesPerPixel * (info.BitsAllocated == 1 ? 1 : info.BytesPerSample), segments);
        Assert.Equal(64u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4)));
        for (var s = segments + 1; s < 16; s++)
        {
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4 * s)));
        }

        var rowLength = info.BitsAllocated == 1 ? (int)info.NativeFrameLength : info.Columns;
        var planeLength = info.BitsAllocated == 1 ? (int)info.NativeFrameLength : info.PixelCount;
        for (var s = 0; s < segments; s++)
        {
            var start = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4 * (s + 1)));
            var end = s + 1 < segments ? (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(4 * (s + 2))) : encoded.Length;
            Assert.True((end - start) % 2 == 0, $"segment {s} has odd length {end - start}");
            CheckRuns(encoded.AsSpan(start, end - start), rowLength, planeLength, s);
        }
    }

    [Fact]
    public void Runs_of_three_equal_bytes_become_replicate_runs_and_128_is_the_longest_run()
    {
        var info = new FrameInfo(1, 300, 1, 8, 8, false, "MONOCHROME2");
        var row = new byte[300];
        row.AsSpan(0, 3).Fill(7);
        row[3] = 1;
        row[4] = 2;
        row.AsSpan(5).Fill(9);
        var encoded = new RleCodec().Encode(row, DicomTransferSyntax.RleLossless, info, EncodeOptions.Default);

        // 3 x 7 (replicate), literal 1 2, 128 + 128 + 39 x 9 (replicate), padding.
        byte[] expected = [0xFE, 7, 0x01, 1, 2, 0x81, 9, 0x81, 9, 0xDA, 9, 0];
        Assert.Equal(expected, encoded.AsSpan(64).ToArray());
    }

    /// <summary>
    /// Walks the runs of a segment: none crosses a row, no literal holds three equal bytes, -128 is never
    /// used, and after the runs that produce the byte plane only a zero pad byte may follow.
    /// </summary>
    private static void CheckRuns(ReadOnlySpan<byte> segment, int rowLength, int planeLength, int index)
    {
        var position = 0;
        var produced = 0;
        while (produced < planeLength)
        {
            Assert.True(position < segment.Length, $"segment {index} ends after {produced} of {planeLength} bytes");
            var header = (sbyte)segment[position++];
            Assert.NotEqual(-128, (int)header);
            int count;
            if (header >= 0)
            {
                count = header + 1;
                var literal = segment.Slice(position, count);
                for (var i = 2; i < literal.Length; i++)
                {
                    Assert.False(literal[i] == literal[i - 1] && literal[i] == literal[i - 2], $"segment {index}: a literal run holds three equal bytes");
                }

                position += count;
            }
            else
            {
                count = 1 - header;
                position++;
            }

            Assert.True(produced / rowLength == (produced + count - 1) / rowLength, $"segment {index}: a run crosses a row boundary at byte {produced}");
            produced += count;
        }

        Assert.Equal(planeLength, produced);
        var rest = segment[position..];
        Assert.True(rest.IsEmpty || (rest.Length == 1 && rest[0] == 0), $"segment {index}: {rest.Length} bytes after the runs");
    }

    private static byte[] Image(string name, FrameInfo info)
    {
        var interleaved = info with { PlanarConfiguration = PlanarConfiguration.Interleaved };
        if (info.BitsAllocated == 1)
        {
            var bits = new byte[info.NativeFrameLength];
            new Random(name.Length).NextBytes(bits);
            bits.AsSpan(40, 100).Fill(0xFF);
            return bits;
        }

        var image = SyntheticImage.Create(interleaved, name.Length);
        if (name == "long-runs")
        {
            image.AsSpan(100, 2000).Fill(3);
        }

        return image;
    }

    private static byte[] Encode(string name, FrameInfo info)
    {
        var image = Image(name, info);
        var native = info.PlanarConfiguration == PlanarConfiguration.Planar ? SyntheticImage.ToPlanar(image, info) : image;
        return new RleCodec().Encode(native, DicomTransferSyntax.RleLossless, info, EncodeOptions.Default);
    }
}
