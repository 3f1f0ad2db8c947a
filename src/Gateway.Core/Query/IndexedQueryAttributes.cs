using Gateway.Dicom;
using Gateway.Dicom.Query;

namespace Gateway.Core.Query;

/// <summary>
/// The attributes the index holds in columns (migrations/0001 and 0002), which an <see cref="IArchiveQueryStore"/>
/// matches in SQL, and the kinds of matching it does on each. Every other key is matched on the stored headers.
/// </summary>
public static class IndexedQueryAttributes
{
    private static readonly DicomMatchKind[] Text = [DicomMatchKind.SingleValue, DicomMatchKind.WildCard];
    private static readonly DicomMatchKind[] Uid = [DicomMatchKind.SingleValue, DicomMatchKind.ListOfUid];
    private static readonly DicomMatchKind[] Date = [DicomMatchKind.SingleValue, DicomMatchKind.Range];
    private static readonly DicomMatchKind[] Integer = [DicomMatchKind.SingleValue];

    private static readonly Dictionary<DicomTag, DicomMatchKind[]> Kinds = new()
    {
        [DicomTags.PatientID] = Text,
        [DicomTags.PatientName] = Text,
        [DicomTags.PatientBirthDate] = Date,
        [DicomTags.PatientSex] = Text,
        [DicomTags.StudyInstanceUID] = Uid,
        [DicomTags.StudyDate] = Date,
        [DicomTags.AccessionNumber] = Text,
        [DicomTags.StudyID] = Text,
        [DicomTags.StudyDescription] = Text,
        [DicomTags.ReferringPhysicianName] = Text,
        [DicomTags.ModalitiesInStudy] = Text,
        [DicomTags.SeriesInstanceUID] = Uid,
        [DicomTags.Modality] = Text,
        [DicomTags.SeriesNumber] = Integer,
        [DicomTags.SeriesDescription] = Text,
        [DicomTags.BodyPartExamined] = Text,
        [DicomTags.SeriesDate] = Date,
        [DicomTags.SOPInstanceUID] = Uid,
        [DicomTags.SOPClassUID] = Uid,
        [DicomTags.InstanceNumber] = Integer,
    };

    /// <summary>The attributes held in columns.</summary>
    public static IReadOnlyCollection<DicomTag> Tags => Kinds.Keys;

    /// <summary>Whether the store matches <paramref name="key"/> in SQL for a query at <paramref name="level"/>.</summary>
    public static bool CanMatch(DicomQueryKey key, DicomQueryLevel level)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Kinds.TryGetValue(key.Tag, out var kinds)
            && kinds.Contains(key.Kind)
            && DicomQueryLevels.LevelOf(key.Tag) <= level;
    }
}
