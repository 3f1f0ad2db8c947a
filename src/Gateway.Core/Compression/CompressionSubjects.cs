using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression;

/// <summary>The <see cref="CompressionSubject"/> of an instance: its index row's attributes, else its data set's.</summary>
public static class CompressionSubjects
{
    public static CompressionSubject Of(CompressionCandidate candidate, DicomDataset dataset, DicomPixelData pixelData)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(pixelData);
        return new CompressionSubject(
            candidate.Modality ?? dataset.GetString(DicomTags.Modality),
            candidate.SopClassUid,
            candidate.CallingAE,
            candidate.BodyPartExamined ?? dataset.GetString(DicomTags.BodyPartExamined),
            pixelData.Info.PhotometricInterpretation,
            pixelData.Info.Rows,
            pixelData.Info.Columns);
    }
}
