using Gateway.Core.Headers;
using Gateway.Dicom;

namespace Gateway.Core.Compression;

/// <summary>
/// The header object kept beside a latent: the original's data set without its pixel data, as a Part 10 file in
/// Deflated Explicit VR Little Endian (deflate shrinks vendor headers such as Siemens CSA about 5x). Every other
/// element stays as received (VRs, private tags, values of any length), so
/// nothing of the header depends on the original once it is deleted.
/// </summary>
public static class HeaderObject
{
    /// <summary>The codec recorded for header objects: their transfer syntax.</summary>
    public static readonly string Codec = DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid;

    /// <summary>The header object's bytes for <paramref name="original"/> (which is left unchanged).</summary>
    public static byte[] Write(DicomFile original)
    {
        ArgumentNullException.ThrowIfNull(original);
        var dataset = original.Dataset.Clone();
        dataset.RemoveAll(element => HeaderContent.PixelTags.Contains(element.Tag));
        var file = new DicomFile(dataset, DicomTransferSyntax.DeflatedExplicitVRLittleEndian, original.FileMetaInformation.Clone());
        using var buffer = new MemoryStream();
        file.Save(buffer);
        return buffer.ToArray();
    }
}
