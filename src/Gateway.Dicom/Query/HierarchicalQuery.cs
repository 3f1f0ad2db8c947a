using System.Globalization;
using Gateway.Dicom.Network;

namespace Gateway.Dicom.Query;

/// <summary>
/// C-FIND by the Hierarchical Search Method (PS3.4 C.4.1.3.1.1) and the instance selection of C-MOVE and C-GET
/// (C.4.2.2.1, C.4.3.2.1) over instances whose headers are held in memory. The entities of a level are the
/// distinct values of its unique key (under those of the levels above); instances lacking one are not entities of
/// that level (every entity has a non-empty unique key, C.2.1).
/// </summary>
/// <remarks>
/// An entity's attributes are those of its level and the levels above, taken from one of its instances, plus the
/// computed attributes the identifier asks for: Modalities in Study, SOP Classes in Study and the Number of
/// Patient/Study/Series Related Studies/Series/Instances. Keys of levels below the query level are not matched
/// and come back empty, as optional keys an SCP does not support (C.2.2.1.3).
/// </remarks>
public static class HierarchicalQuery
{
    private static readonly DicomTag[] StudyComputed =
    [
        DicomTags.ModalitiesInStudy, DicomTags.SOPClassesInStudy, DicomTags.NumberOfStudyRelatedSeries, DicomTags.NumberOfStudyRelatedInstances,
    ];

    private static readonly DicomTag[] PatientComputed =
    [
        DicomTags.NumberOfPatientRelatedStudies, DicomTags.NumberOfPatientRelatedSeries, DicomTags.NumberOfPatientRelatedInstances,
    ];

    /// <summary>The response identifiers of a C-FIND: one per matching entity of the identifier's level, in unique-key order.</summary>
    /// <exception cref="DicomQueryException">
    /// The level is not one of the model's, the identifier lacks the unique key of a level above (which the
    /// hierarchical method requires), or a key value is malformed.
    /// </exception>
    public static IEnumerable<DicomDataset> Find<T>(
        IEnumerable<T> instances,
        Func<T, DicomDataset> header,
        QueryRetrieveModel model,
        string level,
        DicomDataset identifier,
        DicomQueryMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(identifier);
        var queryLevel = DicomQueryLevels.Parse(level, model);
        var path = DicomQueryLevels.PathTo(queryLevel, model);
        foreach (var upper in path.Take(path.Count - 1))
        {
            var key = DicomQueryLevels.UniqueKey(upper);
            if (string.IsNullOrWhiteSpace(identifier.GetString(key)))
            {
                throw new DicomQueryException(
                    $"A {level} query of the {model} model needs the {upper} level's unique key {key} (PS3.4 C.4.1.3.1.1).");
            }
        }

        var matcher = new DicomQueryMatcher(WithoutLowerLevelKeys(identifier, queryLevel), options);
        return FindIterator(instances.Select(header).ToList(), path, queryLevel, matcher);
    }

    /// <summary>
    /// The instances a C-MOVE or C-GET selects: those whose unique key at the identifier's level is one of the
    /// values given (a list of UIDs, or of patient IDs), within the entities the unique keys of the levels above
    /// name where the identifier has them; ordered by study, series and instance number.
    /// </summary>
    /// <exception cref="DicomQueryException">The level is not one of the model's, or the identifier has no value for the level's unique key.</exception>
    public static IReadOnlyList<T> SelectForRetrieve<T>(
        IEnumerable<T> instances,
        Func<T, DicomDataset> header,
        QueryRetrieveModel model,
        string level,
        DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(identifier);
        var queryLevel = DicomQueryLevels.Parse(level, model);
        var filters = new List<(DicomTag Key, HashSet<string> Values)>();
        foreach (var each in DicomQueryLevels.PathTo(queryLevel, model))
        {
            var key = DicomQueryLevels.UniqueKey(each);
            var values = identifier.GetStrings(key).Select(value => value.Trim()).Where(value => value.Length > 0).ToHashSet(StringComparer.Ordinal);
            if (values.Count > 0)
            {
                filters.Add((key, values));
            }
            else if (each == queryLevel)
            {
                throw new DicomQueryException($"A {level} retrieve needs the unique key {key} in the identifier (PS3.4 C.4.2.2.1).");
            }
        }

        return instances
            .Select(instance => (Instance: instance, Header: header(instance)))
            .Where(pair => filters.TrueForAll(filter => filter.Values.Contains(pair.Header.GetString(filter.Key) ?? string.Empty)))
            .OrderBy(pair => pair.Header.GetString(DicomTags.StudyInstanceUID), StringComparer.Ordinal)
            .ThenBy(pair => pair.Header.GetString(DicomTags.SeriesInstanceUID), StringComparer.Ordinal)
            .ThenBy(pair => pair.Header.GetValueOrDefault(DicomTags.InstanceNumber, long.MaxValue))
            .ThenBy(pair => pair.Header.GetString(DicomTags.SOPInstanceUID), StringComparer.Ordinal)
            .Select(pair => pair.Instance)
            .ToList();
    }

    private static IEnumerable<DicomDataset> FindIterator(List<DicomDataset> headers, IReadOnlyList<DicomQueryLevel> path, DicomQueryLevel queryLevel, DicomQueryMatcher matcher)
    {
        var keys = path.Select(DicomQueryLevels.UniqueKey).ToArray();
        var computed = new ComputedAttributes(headers, matcher.Identifier, queryLevel);
        var entities = headers
            .Select(header => (Key: keys.Select(key => header.GetString(key)?.Trim() ?? string.Empty).ToArray(), Header: header))
            .Where(entity => Array.TrueForAll(entity.Key, value => value.Length > 0))
            .GroupBy(entity => string.Join('\\', entity.Key), StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            var record = Record(entity.First().Header, queryLevel);
            computed.AddTo(record, entity.First().Header);
            if (matcher.Matches(record))
            {
                yield return matcher.BuildResponse(record);
            }
        }
    }

    /// <summary>The identifier with the keys of levels below <paramref name="level"/> emptied: returned, never matched.</summary>
    private static DicomDataset WithoutLowerLevelKeys(DicomDataset identifier, DicomQueryLevel level)
    {
        var result = identifier.Clone();
        foreach (var element in identifier.Where(element => DicomQueryMatcher.IsKey(element.Tag) && DicomQueryLevels.LevelOf(element.Tag) > level))
        {
            result.Add(element is DicomSequence ? new DicomSequence(element.Tag) : new DicomValueElement(element.Tag, element.VR, ReadOnlyMemory<byte>.Empty));
        }

        return result;
    }

    /// <summary>An entity's attributes: those of its level and above, from one of its instances, with the character set.</summary>
    private static DicomDataset Record(DicomDataset header, DicomQueryLevel level) =>
        level == DicomQueryLevel.Image
            ? header.Clone()
            : new DicomDataset(header.Where(element => element.Tag == DicomTags.SpecificCharacterSet || DicomQueryLevels.LevelOf(element.Tag) <= level));

    /// <summary>The computed attributes an identifier asks for, counted over all instances once per query.</summary>
    private sealed class ComputedAttributes
    {
        private readonly Dictionary<string, List<DicomDataset>>? _byPatient;
        private readonly Dictionary<string, List<DicomDataset>>? _byStudy;
        private readonly Dictionary<string, int>? _seriesSizes;
        private readonly DicomDataset _identifier;

        public ComputedAttributes(List<DicomDataset> headers, DicomDataset identifier, DicomQueryLevel level)
        {
            _identifier = identifier;
            if (PatientComputed.Any(identifier.Contains))
            {
                _byPatient = GroupBy(headers, header => header.GetString(DicomTags.PatientID));
            }

            if (level >= DicomQueryLevel.Study && StudyComputed.Any(identifier.Contains))
            {
                _byStudy = GroupBy(headers, header => header.GetString(DicomTags.StudyInstanceUID));
            }

            if (level >= DicomQueryLevel.Series && identifier.Contains(DicomTags.NumberOfSeriesRelatedInstances))
            {
                _seriesSizes = GroupBy(headers, SeriesKey).ToDictionary(pair => pair.Key, pair => pair.Value.Count, StringComparer.Ordinal);
            }
        }

        public void AddTo(DicomDataset record, DicomDataset header)
        {
            if (_byPatient?.GetValueOrDefault(header.GetString(DicomTags.PatientID)?.Trim() ?? string.Empty) is { } patient)
            {
                SetCount(record, DicomTags.NumberOfPatientRelatedStudies, Distinct(patient, DicomTags.StudyInstanceUID).Count);
                SetCount(record, DicomTags.NumberOfPatientRelatedSeries, patient.Select(SeriesKey).Distinct(StringComparer.Ordinal).Count());
                SetCount(record, DicomTags.NumberOfPatientRelatedInstances, patient.Count);
            }

            if (_byStudy?.GetValueOrDefault(header.GetString(DicomTags.StudyInstanceUID)?.Trim() ?? string.Empty) is { } study)
            {
                Set(record, DicomTags.ModalitiesInStudy, DicomVR.CS, Distinct(study, DicomTags.Modality));
                Set(record, DicomTags.SOPClassesInStudy, DicomVR.UI, Distinct(study, DicomTags.SOPClassUID));
                SetCount(record, DicomTags.NumberOfStudyRelatedSeries, Distinct(study, DicomTags.SeriesInstanceUID).Count);
                SetCount(record, DicomTags.NumberOfStudyRelatedInstances, study.Count);
            }

            if (_seriesSizes?.GetValueOrDefault(SeriesKey(header)) is { } size)
            {
                SetCount(record, DicomTags.NumberOfSeriesRelatedInstances, size);
            }
        }

        private static string SeriesKey(DicomDataset header) =>
            header.GetString(DicomTags.StudyInstanceUID)?.Trim() + "\\" + header.GetString(DicomTags.SeriesInstanceUID)?.Trim();

        private static Dictionary<string, List<DicomDataset>> GroupBy(List<DicomDataset> headers, Func<DicomDataset, string?> key) =>
            headers.GroupBy(header => key(header)?.Trim() ?? string.Empty, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);

        private static List<string> Distinct(List<DicomDataset> headers, DicomTag tag) =>
            headers.SelectMany(header => header.GetStrings(tag)).Where(value => value.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        private void SetCount(DicomDataset record, DicomTag tag, int count) =>
            Set(record, tag, DicomVR.IS, [count.ToString(CultureInfo.InvariantCulture)]);

        private void Set(DicomDataset record, DicomTag tag, DicomVR vr, List<string> values)
        {
            if (_identifier.Contains(tag))
            {
                record.SetStrings(tag, vr, values);
            }
        }
    }
}
