using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Archive;

/// <summary>Reads the indexed attributes of an instance from its header.</summary>
public static class InstanceAttributesReader
{
    /// <summary>The attributes, or the reason the header cannot be archived (a missing identifying UID).</summary>
    public static InstanceAttributes Read(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new InstanceAttributes
        {
            SopInstanceUid = Required(dataset, DicomTags.SOPInstanceUID),
            SopClassUid = Required(dataset, DicomTags.SOPClassUID),
            StudyInstanceUid = Required(dataset, DicomTags.StudyInstanceUID),
            SeriesInstanceUid = Required(dataset, DicomTags.SeriesInstanceUID),
            PatientId = dataset.GetString(DicomTags.PatientID) ?? string.Empty,
            IssuerOfPatientId = dataset.GetString(DicomTags.IssuerOfPatientID) ?? string.Empty,
            PatientName = dataset.GetString(DicomTags.PatientName),
            PatientBirthDate = dataset.GetString(DicomTags.PatientBirthDate),
            PatientSex = dataset.GetString(DicomTags.PatientSex),
            StudyDate = dataset.GetString(DicomTags.StudyDate),
            StudyTime = dataset.GetString(DicomTags.StudyTime),
            AccessionNumber = dataset.GetString(DicomTags.AccessionNumber),
            StudyId = dataset.GetString(DicomTags.StudyID),
            StudyDescription = dataset.GetString(DicomTags.StudyDescription),
            ReferringPhysicianName = dataset.GetString(DicomTags.ReferringPhysicianName),
            Modality = dataset.GetString(DicomTags.Modality),
            SeriesNumber = Integer(dataset, DicomTags.SeriesNumber),
            SeriesDescription = dataset.GetString(DicomTags.SeriesDescription),
            BodyPartExamined = dataset.GetString(DicomTags.BodyPartExamined),
            SeriesDate = dataset.GetString(DicomTags.SeriesDate),
            SeriesTime = dataset.GetString(DicomTags.SeriesTime),
            InstanceNumber = Integer(dataset, DicomTags.InstanceNumber),
            Rows = Integer(dataset, DicomTags.Rows),
            Columns = Integer(dataset, DicomTags.Columns),
            NumberOfFrames = Integer(dataset, DicomTags.NumberOfFrames),
        };
    }

    /// <summary>Bytes the pixel data holds uncompressed (what "original pixel bytes" in statistics means); 0 without pixels.</summary>
    public static long NativePixelBytes(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetValue<int>(DicomTags.Rows, 0, out var rows) || !dataset.TryGetValue<int>(DicomTags.Columns, 0, out var columns)
            || !dataset.TryGetValue<int>(DicomTags.BitsAllocated, 0, out var bitsAllocated))
        {
            return 0;
        }

        var samples = dataset.GetValueOrDefault(DicomTags.SamplesPerPixel, 1);
        var frames = Math.Max(1, dataset.GetValueOrDefault(DicomTags.NumberOfFrames, 1));
        var info = new FrameInfo(rows, columns, samples, bitsAllocated, bitsAllocated, false, "MONOCHROME2");
        return info.NativeFrameLength * frames;
    }

    private static string Required(DicomDataset dataset, DicomTag tag)
    {
        var value = dataset.GetString(tag);
        return string.IsNullOrWhiteSpace(value)
            ? throw new DicomException($"The instance has no {DicomDictionary.Lookup(tag)?.Keyword ?? tag.ToString()} {tag}, which the archive needs.")
            : value;
    }

    private static int? Integer(DicomDataset dataset, DicomTag tag) =>
        dataset.TryGetValue<int>(tag, 0, out var value) ? value : null;
}
