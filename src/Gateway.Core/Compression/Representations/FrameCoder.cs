using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression.Representations;

/// <summary>Encodes and decodes single-sample frames of stored values with a codec of the registry (no DICOM file around them).</summary>
internal static class FrameCoder
{
    public static byte[] Encode(DicomCodecRegistry registry, DicomTransferSyntax syntax, FrameInfo info, ReadOnlySpan<int> values, EncodeOptions options) =>
        registry.Get(syntax).Encode(NativeSamples.ToNative(values, info.BitsAllocated), syntax, info, options);

    public static void Decode(DicomCodecRegistry registry, DicomTransferSyntax syntax, FrameInfo info, ReadOnlySpan<byte> encoded, Span<int> values) =>
        NativeSamples.ToValues(registry.Get(syntax).Decode(encoded, syntax, info).Data, info, values);
}
