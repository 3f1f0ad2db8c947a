using Gateway.Dicom;
using Gateway.Dicom.IO;

namespace Gateway.Core.Headers;

/// <summary>
/// A lossless or j2k-lossy object as stored once its instance's header is in the header store (DESIGN.md,
/// "Headers"): a Part 10 file that keeps its pixel data, the UIDs that identify it (SOP Class and Instance, Study
/// and Series), the Image Pixel description its codec wrote, and every other element whose value is not the stored
/// header's (the lossy flags, the layout a codec changed); long header values (CSA, ICC profiles, LUTs) are not
/// copied again. <see cref="Rebuild"/> puts the header's elements back, the object's own winning, which gives the
/// complete file's data set; the compress job checks that before it stores the object. Objects larger than
/// <see cref="MaxBytes"/> are stored complete and streamed as stored, since a rebuild is made in memory.
/// </summary>
public static class HeaderFreeFile
{
    /// <summary>The largest object stored header-free (and rebuilt when served): retrieval reads such objects whole anyway.</summary>
    public const long MaxBytes = Retrieve.RepresentationSource.VerifyBeforeStreamingMaxBytes;

    /// <summary>Elements every object keeps, so that it names its instance and its pixels can be read without the header.</summary>
    public static readonly IReadOnlySet<DicomTag> AlwaysKept = new HashSet<DicomTag>
    {
        DicomTags.SOPClassUID,
        DicomTags.SOPInstanceUID,
        DicomTags.StudyInstanceUID,
        DicomTags.SeriesInstanceUID,
        DicomTags.SamplesPerPixel,
        DicomTags.PhotometricInterpretation,
        DicomTags.PlanarConfiguration,
        DicomTags.NumberOfFrames,
        DicomTags.Rows,
        DicomTags.Columns,
        DicomTags.BitsAllocated,
        DicomTags.BitsStored,
        DicomTags.HighBit,
        DicomTags.PixelRepresentation,
    };

    /// <summary>
    /// Whether a stored lossless or j2k-lossy object of <paramref name="storedSize"/> bytes is served rebuilt with the
    /// instance's stored header (null when the index holds it as JSON, from before headers were deltas).
    /// </summary>
    public static bool IsRebuilt(long storedSize, DicomDataset? header) => header is not null && storedSize <= MaxBytes;

    /// <summary>
    /// What to store for <paramref name="complete"/> (a whole Part 10 file): its header-free form where
    /// <see cref="IsRebuilt"/> will hold for it, else the complete file.
    /// </summary>
    public static byte[] StoredForm(byte[] complete, DicomDataset? header)
    {
        ArgumentNullException.ThrowIfNull(complete);
        if (header is null)
        {
            return complete;
        }

        var free = Write(DicomFile.Read(new MemoryStream(complete, writable: false)), header);
        return free is not null && IsRebuilt(free.Length, header) ? free : complete;
    }

    /// <summary>The file an object is served as: <paramref name="stored"/> rebuilt with <paramref name="header"/> where <see cref="IsRebuilt"/>, else as stored.</summary>
    public static DicomFile Served(byte[] stored, DicomDataset? header)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var file = DicomFile.Read(new MemoryStream(stored, writable: false));
        return IsRebuilt(stored.Length, header) ? Rebuild(header!, file) : file;
    }

    /// <summary>
    /// The header-free form of <paramref name="complete"/> (a whole file in its stored transfer syntax) for an instance
    /// whose stored header is <paramref name="header"/> (<see cref="HeaderContent.Read"/>); null when its rebuild
    /// would not be <paramref name="complete"/>'s data set (the header has an element the file lacks), so the
    /// complete file must be stored.
    /// </summary>
    public static byte[]? Write(DicomFile complete, DicomDataset header)
    {
        ArgumentNullException.ThrowIfNull(complete);
        ArgumentNullException.ThrowIfNull(header);
        var kept = new DicomDataset(complete.Dataset.Where(element =>
            HeaderContent.PixelTags.Contains(element.Tag)
            || AlwaysKept.Contains(element.Tag)
            || header[element.Tag] is not { } stored
            || !Encoded(element).AsSpan().SequenceEqual(Encoded(stored))));
        var file = new DicomFile(kept, complete.TransferSyntax, complete.FileMetaInformation.Clone());
        using var bytes = new MemoryStream();
        file.Save(bytes);
        var written = bytes.ToArray();
        var rebuilt = Rebuild(header, DicomFile.Read(new MemoryStream(written, writable: false)));
        return WithoutPixels(rebuilt.Dataset).AsSpan().SequenceEqual(WithoutPixels(complete.Dataset)) ? written : null;
    }

    /// <summary>The instance's file: <paramref name="stored"/> (the object as stored) with <paramref name="header"/>'s elements it does not have.</summary>
    public static DicomFile Rebuild(DicomDataset header, DicomFile stored)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(stored);
        var dataset = new DicomDataset(header.Where(element => !HeaderContent.PixelTags.Contains(element.Tag) && !stored.Dataset.Contains(element.Tag)));
        foreach (var element in stored.Dataset)
        {
            dataset.Add(element);
        }

        return new DicomFile(dataset, stored.TransferSyntax, stored.FileMetaInformation) { Preamble = stored.Preamble };
    }

    private static byte[] Encoded(DicomElement element) => DicomDatasetSerializer.Serialize(new DicomDataset([element]), HeaderContent.Syntax);

    private static byte[] WithoutPixels(DicomDataset dataset) =>
        DicomDatasetSerializer.Serialize(new DicomDataset(dataset.Where(element => !HeaderContent.PixelTags.Contains(element.Tag))), HeaderContent.Syntax);
}
