using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98): native frames in fragments.</summary>
public sealed class EncapsulatedUncompressedCodec : IPixelCodec
{
    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } = [DicomTransferSyntax.EncapsulatedUncompressedExplicitVRLittleEndian];

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info) =>
        syntax == DicomTransferSyntax.EncapsulatedUncompressedExplicitVRLittleEndian && info.BitsAllocated >= 8;

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var length = (int)info.NativeFrameLength;
        if (encoded.Length < length)
        {
            throw new DicomCodecException($"An encapsulated uncompressed frame holds {encoded.Length} bytes; {length} are needed.");
        }

        return new DecodedFrame(FrameLayout.ToInterleaved(encoded[..length], info), info.PhotometricInterpretation);
    }

    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }

    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options) =>
        native.ToArray();
}
