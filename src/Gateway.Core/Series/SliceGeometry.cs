using Gateway.Dicom;

namespace Gateway.Core.Series;

/// <summary>
/// What the volume assembly needs of one instance of a series: its pixel format and where its plane lies in the
/// patient coordinate system (ImageOrientationPatient: row and column direction cosines; ImagePositionPatient: the
/// centre of the first voxel, mm; PixelSpacing: row spacing then column spacing, mm). Geometry absent from the header
/// is null.
/// </summary>
public sealed record SliceGeometry(
    string SopInstanceUid,
    int Rows,
    int Columns,
    int BitsAllocated,
    int BitsStored,
    int PixelRepresentation,
    string PhotometricInterpretation,
    int SamplesPerPixel,
    int NumberOfFrames,
    IReadOnlyList<double>? ImageOrientationPatient,
    IReadOnlyList<double>? ImagePositionPatient,
    IReadOnlyList<double>? PixelSpacing)
{
    /// <summary>The geometry of an instance's header (no pixel data needed); absent sizes read as 0, absent frames as 1.</summary>
    public static SliceGeometry From(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new SliceGeometry(
            dataset.GetString(DicomTags.SOPInstanceUID) ?? string.Empty,
            dataset.GetValueOrDefault(DicomTags.Rows, 0),
            dataset.GetValueOrDefault(DicomTags.Columns, 0),
            dataset.GetValueOrDefault(DicomTags.BitsAllocated, 0),
            dataset.GetValueOrDefault(DicomTags.BitsStored, 0),
            dataset.GetValueOrDefault(DicomTags.PixelRepresentation, 0),
            dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim() ?? string.Empty,
            dataset.GetValueOrDefault(DicomTags.SamplesPerPixel, 1),
            dataset.GetValueOrDefault(DicomTags.NumberOfFrames, 1),
            Values(dataset, DicomTags.ImageOrientationPatient, 6),
            Values(dataset, DicomTags.ImagePositionPatient, 3),
            Values(dataset, DicomTags.PixelSpacing, 2));
    }

    private static double[]? Values(DicomDataset dataset, DicomTag tag, int count)
    {
        var values = dataset.GetValues<double>(tag);
        return values.Length == count && values.All(double.IsFinite) ? values : null;
    }
}
