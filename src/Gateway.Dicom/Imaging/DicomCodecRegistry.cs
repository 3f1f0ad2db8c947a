namespace Gateway.Dicom.Imaging;

/// <summary>The pixel codecs available, by transfer syntax.</summary>
public sealed class DicomCodecRegistry
{
    private readonly Dictionary<string, IPixelCodec> _byUid = new(StringComparer.Ordinal);

    public DicomCodecRegistry(IEnumerable<IPixelCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        foreach (var codec in codecs)
        {
            foreach (var syntax in codec.TransferSyntaxes)
            {
                _byUid.TryAdd(syntax.Uid, codec);
            }
        }
    }

    /// <summary>Every codec this library ships; where two handle a syntax, the first listed wins.</summary>
    public static DicomCodecRegistry Default { get; } = new(
    [
        new Codecs.JpegExtendedCodec(),
        new Codecs.JpegBaselineCodec(),
        new Codecs.Jpeg.JpegDctCodec(),
        new Codecs.Jpeg.JpegLosslessCodec(),
        new Codecs.JpegLsCodec(),
        new Codecs.Jpeg2000Codec(),
        new Codecs.Rle.RleCodec(),
        new Codecs.Deflate.DeflatedImageFrameCodec(),
        new Codecs.EncapsulatedUncompressedCodec(),
    ]);

    public IEnumerable<DicomTransferSyntax> DecodableSyntaxes => _byUid.Keys.Select(DicomTransferSyntax.FromUid);

    public bool CanDecode(DicomTransferSyntax syntax) => !syntax.IsEncapsulated || _byUid.ContainsKey(syntax.Uid);

    /// <summary>The codec for an encapsulated syntax.</summary>
    /// <exception cref="DicomCodecException">No codec handles <paramref name="syntax"/>.</exception>
    public IPixelCodec Get(DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        return _byUid.TryGetValue(syntax.Uid, out var codec)
            ? codec
            : throw new DicomCodecException($"No codec for transfer syntax {syntax}.");
    }
}
