using System.Buffers.Binary;
using Gateway.Dicom.Codecs.Rle;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>Corrupt RLE data fails with a <see cref="DicomCodecException"/>, never another exception.</summary>
public class RleCorruptDataTests
{
    private static readonly FrameInfo Info = new(19, 27, 3, 16, 16, false, "RGB");

    private static readonly byte[] Encoded = new RleCodec().Encode(SyntheticImage.Create(Info, 3), DicomTransferSyntax.RleLossless, Info, EncodeOptions.Default);

    [Fact]
    public void Truncated_data_throws_a_codec_exception()
    {
        var codec = new RleCodec();
        for (var length = 0; length < Encoded.Length - 1; length += 7)
        {
            var cut = Encoded.AsSpan(0, length).ToArray();
            Assert.Throws<DicomCodecException>(() => codec.Decode(cut, DicomTransferSyntax.RleLossless, Info));
        }
    }

    [Theory]
    [InlineData(0, 5u)]
    [InlineData(0, 16u)]
    [InlineData(4, 10u)]
    [InlineData(8, 1_000_000u)]
    [InlineData(12, 70u)]
    public void A_header_that_lies_is_rejected(int offset, uint value)
    {
        var changed = (byte[])Encoded.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(changed.AsSpan(offset), value);
        Assert.Throws<DicomCodecException>(() => new RleCodec().Decode(changed, DicomTransferSyntax.RleLossless, Info));
    }

    [Fact]
    public void Random_byte_damage_decodes_or_throws_a_codec_exception()
    {
        var codec = new RleCodec();
        var random = new Random(11);
        for (var trial = 0; trial < 1000; trial++)
        {
            var damaged = (byte[])Encoded.Clone();
            damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            try
            {
                codec.Decode(damaged, DicomTransferSyntax.RleLossless, Info);
            }
            catch (DicomCodecException)
            {
            }
        }
    }
}
