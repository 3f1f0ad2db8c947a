using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Json;
using Gateway.Dicom.Query;

namespace Gateway.Core.Query;

/// <summary>
/// An entity's attributes as queries see them: from the stored header of one of its instances, those of its level
/// and the levels above (every attribute for an instance), without bulk data, plus the computed attributes.
/// </summary>
internal static class QueryRecord
{
    public static DicomDataset Build(ArchiveQueryRow row, DicomQueryLevel level)
    {
        var header = DicomJsonReader.Read(row.HeaderJson);
        var record = new DicomDataset(header.Where(element => Keep(element, level)));
        switch (level)
        {
            case DicomQueryLevel.Patient:
                SetCount(record, DicomTags.NumberOfPatientRelatedStudies, row.StudyCount);
                SetCount(record, DicomTags.NumberOfPatientRelatedSeries, row.SeriesCount);
                SetCount(record, DicomTags.NumberOfPatientRelatedInstances, row.InstanceCount);
                break;
            case DicomQueryLevel.Study:
                SetCount(record, DicomTags.NumberOfStudyRelatedSeries, row.SeriesCount);
                SetCount(record, DicomTags.NumberOfStudyRelatedInstances, row.InstanceCount);
                record.SetStrings(DicomTags.ModalitiesInStudy, DicomVR.CS, row.Modalities ?? []);
                record.SetStrings(DicomTags.SOPClassesInStudy, DicomVR.UI, row.SopClasses ?? []);
                break;
            case DicomQueryLevel.Series:
                SetCount(record, DicomTags.NumberOfSeriesRelatedInstances, row.InstanceCount);
                break;
        }

        return record;
    }

    private static bool Keep(DicomElement element, DicomQueryLevel level) =>
        element is not DicomBulkDataReference
        && element.VR.Kind != VRKind.Bulk
        && (level == DicomQueryLevel.Image || element.Tag == DicomTags.SpecificCharacterSet || DicomQueryLevels.LevelOf(element.Tag) <= level);

    private static void SetCount(DicomDataset record, DicomTag tag, int? count)
    {
        if (count is { } value)
        {
            record.SetString(tag, DicomVR.IS, value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
