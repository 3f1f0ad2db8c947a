using Gateway.Dicom;
using Gateway.Dicom.Network;
using Gateway.Dicom.Query;

namespace Gateway.Server.Dimse;

/// <summary>
/// A C-FIND identifier prepared for the archive's query layer by the Hierarchical Search Method (PS3.4
/// C.4.1.3.1.1): the unique keys of the levels above must be present, and keys of lower levels are only returned
/// (empty), never matched.
/// </summary>
internal sealed class DimseQuery
{
    public DimseQuery(QueryRetrieveModel model, DicomQueryLevel level, DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var path = DicomQueryLevels.PathTo(level, model);
        foreach (var upper in path.Take(path.Count - 1))
        {
            var key = DicomQueryLevels.UniqueKey(upper);
            if (string.IsNullOrWhiteSpace(identifier.GetString(key)))
            {
                throw new DicomQueryException($"A {level} query of the {model} model needs the {upper} level's unique key {key} (PS3.4 C.4.1.3.1.1).");
            }
        }

        var cleaned = identifier.Clone();
        foreach (var element in identifier.Where(element => element.Tag.Group is not (0x0000 or 0x0002) && element.Tag != DicomTags.SpecificCharacterSet
            && element.Tag != DicomTags.QueryRetrieveLevel && DicomQueryLevels.LevelOf(element.Tag) > level))
        {
            cleaned.Add(element is DicomSequence ? new DicomSequence(element.Tag) : new DicomValueElement(element.Tag, element.VR, ReadOnlyMemory<byte>.Empty));
        }

        Matcher = new DicomQueryMatcher(cleaned);
    }

    public DicomQueryMatcher Matcher { get; }

    /// <summary>The unique keys of a C-MOVE or C-GET identifier, from the top of the model down to its level (which must have a value).</summary>
    public static DicomDataset RetrieveKeys(QueryRetrieveModel model, DicomQueryLevel level, DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var keys = new DicomDataset();
        foreach (var each in DicomQueryLevels.PathTo(level, model))
        {
            var key = DicomQueryLevels.UniqueKey(each);
            var values = identifier.GetStrings(key).Select(value => value.Trim()).Where(value => value.Length > 0).ToList();
            if (values.Count > 0)
            {
                keys.SetStrings(key, each == DicomQueryLevel.Patient ? DicomVR.LO : DicomVR.UI, values);
            }
            else if (each == level)
            {
                throw new DicomQueryException($"A {level} retrieve needs the unique key {key} in the identifier (PS3.4 C.4.2.2.1).");
            }
        }

        return keys;
    }
}
