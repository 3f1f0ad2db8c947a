using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>Corrupt or truncated DCT streams fail with a <see cref="DicomCodecException"/>, never another exception or a hang.</summary>
public class JpegDctCorruptDataTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, DcmtkEncoded>> Streams = new(() => ManagedCodecOracle.EncodeWithDcmtk(
    [
        Request("progressive-12bit", new FrameInfo(20, 27, 1, 16, 12, false, "MONOCHROME2"), "+ep", "+q", "80"),
        Request("extended-colour-420", new FrameInfo(18, 23, 3, 8, 8, false, "RGB"), "+ee", "+n1"),
    ]));

    [Theory]
    [InlineData("progressive-12bit")]
    [InlineData("extended-colour-420")]
    public void A_stream_cut_short_of_its_EOI_throws_a_codec_exception(string name)
    {
        var stream = Streams.Value[name];
        var frame = stream.Frames[0];
        var end = frame.AsSpan().LastIndexOf([JpegMarker.Prefix, JpegMarker.Eoi]);
        var codec = new JpegDctCodec();
        for (var length = 0; length < end; length++)
        {
            var cut = frame.AsSpan(0, length).ToArray();
            Assert.Throws<DicomCodecException>(() => codec.Decode(cut, stream.Syntax, stream.Info));
        }

        // Without EOI a sequential stream is complete; a progressive one might lack scans.
        var withoutEnd = frame.AsSpan(0, end).ToArray();
        if (stream.Syntax == DicomTransferSyntax.JpegFullProgression)
        {
            Assert.Throws<DicomCodecException>(() => codec.Decode(withoutEnd, stream.Syntax, stream.Info));
        }
        else
        {
            codec.Decode(withoutEnd, stream.Syntax, stream.Info);
        }
    }

    [Theory]
    [InlineData("progressive-12bit")]
    [InlineData("extended-colour-420")]
    public void Random_byte_damage_decodes_or_throws_a_codec_exception(string name)
    {
        var stream = Streams.Value[name];
        var codec = new JpegDctCodec();
        var random = new Random(name.Length);
        for (var trial = 0; trial < 1000; trial++)
        {
            var damaged = (byte[])stream.Frames[0].Clone();
            for (var n = random.Next(1, 4); n > 0; n--)
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            try
            {
                codec.Decode(damaged, stream.Syntax, stream.Info);
            }
            catch (DicomCodecException)
            {
            }
        }
    }

    [Fact]
    public void The_codec_decodes_only()
    {
        var info = new FrameInfo(8, 8, 1, 16, 12, false, "MONOCHROME2");
        Assert.False(new JpegDctCodec().CanEncode(DicomTransferSyntax.JpegExtended, info));
        Assert.Throws<DicomCodecException>(() => new JpegDctCodec().Encode(new byte[128], DicomTransferSyntax.JpegExtended, info, EncodeOptions.Default));
    }

    private static DcmtkEncodeRequest Request(string name, FrameInfo info, params string[] arguments) =>
        new(name, info, [SyntheticImage.Create(info, name.Length)], "dcmcjpeg", arguments);
}
