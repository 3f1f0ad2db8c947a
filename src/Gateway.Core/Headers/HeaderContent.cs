using Gateway.Dicom;
using Gateway.Dicom.IO;
using Gateway.Dicom.Json;

namespace Gateway.Core.Headers;

/// <summary>
/// The header of an instance as the header store keeps it: every element of its data set but the pixel data, in
/// Explicit VR Little Endian (VRs, private blocks and values of any length as received). Where the instance has
/// pixel data, a zero-length element of the same tag and VR stands in for it, so that the header says where its
/// pixels belong and a rebuild puts the stored representation's pixel data there.
/// </summary>
public static class HeaderContent
{
    /// <summary>The syntax the content is written in.</summary>
    public static readonly DicomTransferSyntax Syntax = DicomTransferSyntax.ExplicitVRLittleEndian;

    /// <summary>
    /// The elements that are pixels, not header: the pixel data in its three forms and the Extended Offset Table
    /// and its lengths, which describe encapsulated pixel data only.
    /// </summary>
    public static readonly IReadOnlySet<DicomTag> PixelTags = new HashSet<DicomTag>
    {
        DicomTags.PixelData,
        DicomTags.FloatPixelData,
        DicomTags.DoubleFloatPixelData,
        DicomTags.ExtendedOffsetTable,
        DicomTags.ExtendedOffsetTableLengths,
    };

    /// <summary>
    /// The content of <paramref name="dataset"/> (a whole data set, or one read up to its pixel data with the pixel
    /// data as a bulk data reference), which is left unchanged.
    /// </summary>
    public static byte[] Write(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var header = new DicomDataset(dataset.Where(element => !PixelTags.Contains(element.Tag)));
        foreach (var tag in new[] { DicomTags.PixelData, DicomTags.FloatPixelData, DicomTags.DoubleFloatPixelData })
        {
            if (dataset[tag] is { } pixels)
            {
                header.Add(new DicomValueElement(tag, pixels.VR, Array.Empty<byte>()));
            }
        }

        return DicomDatasetSerializer.Serialize(header, Syntax);
    }

    /// <summary>The header data set of <paramref name="content"/>, pixel data stand-ins included.</summary>
    public static DicomDataset Read(ReadOnlyMemory<byte> content) => DicomDatasetSerializer.Deserialize(content, Syntax);

    /// <summary>
    /// The instance's data set: <paramref name="header"/>'s elements with the pixel elements of
    /// <paramref name="pixels"/> (a data set holding a stored representation's pixel data) in place of the stand-ins.
    /// </summary>
    public static DicomDataset Rebuild(DicomDataset header, DicomDataset pixels)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(pixels);
        var dataset = new DicomDataset(header.Where(element => !PixelTags.Contains(element.Tag)));
        foreach (var element in pixels.Where(element => PixelTags.Contains(element.Tag)))
        {
            dataset.Add(element);
        }

        return dataset;
    }

    /// <summary>
    /// Makes <paramref name="header"/> the header as DICOM JSON reads it: a bulk data reference (at
    /// <paramref name="uriOf"/> its tag) in place of each pixel data stand-in, in place (a header just read is
    /// not copied for it).
    /// </summary>
    public static void ReferencePixels(DicomDataset header, Func<DicomTag, string> uriOf)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(uriOf);
        foreach (var element in header.Where(element => PixelTags.Contains(element.Tag)).ToList())
        {
            header.Add(new DicomBulkDataReference(element.Tag, element.VR, uriOf(element.Tag)));
        }
    }
}
