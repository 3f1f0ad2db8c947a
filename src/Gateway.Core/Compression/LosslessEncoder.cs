using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression;

/// <summary>A lossless copy of an instance: the whole Part 10 file, the transfer syntax its pixels are in and the bytes of its encoded pixels.</summary>
public sealed record LosslessCopy(byte[] File, DicomTransferSyntax TransferSyntax, long PixelBytes);

/// <summary>
/// Re-encodes an instance's pixels losslessly: JPEG-LS lossless (1.2.840.10008.1.2.4.80), or JPEG 2000 lossless
/// (1.2.840.10008.1.2.4.90) where JPEG-LS cannot hold them. The header is kept as it is.
/// </summary>
public sealed class LosslessEncoder(DicomCodecRegistry registry)
{
    private static readonly DicomTransferSyntax[] Targets = [DicomTransferSyntax.JpegLSLossless, DicomTransferSyntax.Jpeg2000Lossless];

    /// <summary>The copy in the first syntax that can hold the pixels; null with the reasons when none can.</summary>
    public LosslessCopy? Encode(DicomFile original, out string? failure)
    {
        ArgumentNullException.ThrowIfNull(original);
        var reasons = new List<string>();
        foreach (var target in Targets)
        {
            try
            {
                var copy = new DicomTranscoder(registry, EncodeOptions.Default).Transcode(original, target);
                using var bytes = new MemoryStream();
                copy.Save(bytes);
                failure = null;
                var pixelBytes = copy.Dataset.GetElement(DicomTags.PixelData) is DicomFragmentSequence fragments
                    ? fragments.Fragments.Sum(fragment => (long)fragment.Length)
                    : bytes.Length;
                return new LosslessCopy(bytes.ToArray(), target, pixelBytes);
            }
            catch (DicomException exception)
            {
                reasons.Add($"{target.Name}: {exception.Message}");
            }
        }

        failure = string.Join("; ", reasons);
        return null;
    }
}
