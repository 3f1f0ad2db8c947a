using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>Corrupt or truncated streams fail with a <see cref="DicomCodecException"/>, never another exception or a hang.</summary>
public class JpegLosslessCorruptDataTests
{
    private static readonly FrameInfo Info = new(23, 31, 3, 16, 12, false, "RGB");

    private static readonly byte[] Stream = new LosslessStreamBuilder { Predictor = 5, RestartRows = 4 }.Build(SyntheticImage.Create(Info, 7), Info);

    [Fact]
    public void A_stream_cut_short_of_its_EOI_throws_a_codec_exception()
    {
        var codec = new JpegLosslessCodec();
        for (var length = 0; length < Stream.Length - 2; length += 3)
        {
            var cut = Stream.AsSpan(0, length).ToArray();
            Assert.Throws<DicomCodecException>(() => codec.Decode(cut, DicomTransferSyntax.JpegLossless, Info));
        }

        // Without its EOI the stream is still complete.
        codec.Decode(Stream.AsSpan(0, Stream.Length - 2), DicomTransferSyntax.JpegLossless, Info);
    }

    [Fact]
    public void Random_byte_damage_decodes_or_throws_a_codec_exception()
    {
        var codec = new JpegLosslessCodec();
        var random = new Random(2024);
        for (var trial = 0; trial < 1000; trial++)
        {
            var damaged = (byte[])Stream.Clone();
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            try
            {
                codec.Decode(damaged, DicomTransferSyntax.JpegLossless, Info);
            }
            catch (DicomCodecException)
            {
            }
        }
    }

    [Fact]
    public void Random_bytes_throw_a_codec_exception()
    {
        var codec = new JpegLosslessCodec();
        var random = new Random(99);
        for (var trial = 0; trial < 200; trial++)
        {
            var garbage = new byte[random.Next(0, 3000)];
            random.NextBytes(garbage);
            if (trial % 2 == 0 && garbage.Length >= 2)
            {
                garbage[0] = 0xFF;
                garbage[1] = 0xD8;
            }

            Assert.Throws<DicomCodecException>(() => codec.Decode(garbage, DicomTransferSyntax.JpegLossless, Info));
        }
    }

    [Theory]
    [InlineData(0xC3, 0xC1, "SOF1")]
    [InlineData(0xC3, 0xC9, "SOF9")]
    public void A_lossy_frame_header_is_rejected_by_name(byte from, byte to, string expected)
    {
        var changed = ReplaceMarker(Stream, from, to);
        var error = Assert.Throws<DicomCodecException>(() => new JpegLosslessCodec().Decode(changed, DicomTransferSyntax.JpegLossless, Info));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(22, 31, 3)]
    [InlineData(23, 32, 3)]
    [InlineData(23, 31, 1)]
    public void A_frame_of_other_geometry_than_the_image_is_rejected(int rows, int columns, int samples)
    {
        var other = Info with { Rows = rows, Columns = columns, SamplesPerPixel = samples };
        Assert.Throws<DicomCodecException>(() => new JpegLosslessCodec().Decode(Stream, DicomTransferSyntax.JpegLossless, other));
    }

    [Fact]
    public void A_scan_using_an_undefined_table_is_rejected()
    {
        var sos = IndexOfMarker(Stream, JpegMarker.Sos);
        var changed = (byte[])Stream.Clone();
        changed[sos + 6] = 0x00; // the builder defines tables 1-3 only
        var error = Assert.Throws<DicomCodecException>(() => new JpegLosslessCodec().Decode(changed, DicomTransferSyntax.JpegLossless, Info));
        Assert.Contains("table 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void A_predictor_outside_one_to_seven_is_rejected(byte predictor)
    {
        var sos = IndexOfMarker(Stream, JpegMarker.Sos);
        var changed = (byte[])Stream.Clone();
        changed[sos + 5 + (2 * Info.SamplesPerPixel)] = predictor;
        Assert.Throws<DicomCodecException>(() => new JpegLosslessCodec().Decode(changed, DicomTransferSyntax.JpegLossless, Info));
    }

    private static int IndexOfMarker(byte[] stream, byte marker) => stream.AsSpan().IndexOf([JpegMarker.Prefix, marker]);

    private static byte[] ReplaceMarker(byte[] stream, byte from, byte to)
    {
        var changed = (byte[])stream.Clone();
        changed[IndexOfMarker(stream, from) + 1] = to;
        return changed;
    }
}
