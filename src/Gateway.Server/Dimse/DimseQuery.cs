using Gateway.Dicom;
using Gateway.Dicom.Network;
using Gateway.Dicom.Query;

namespace Gateway.Server.Dimse;

/// <summary>
/// A C-FIND identifier prepared for the archive's query layer. Keys of lower levels than the query's are only
/// returned (empty), never matched, as the Hierarchical Search Method has it (PS3.4 C.4.1.3.1.1). A unique key of a
/// higher level that the identifier leaves out or empty is a universal match instead of a refused query: a study-root
/// IMAGE query with the Study Instance UID alone finds the study's instances across its series, as Orthanc and
/// dcm4chee answer it and as QIDO-RS /studies/{study}/instances does, rather than nothing or a failure the sender
/// cannot act on. It never returns more than the keys given select; C.4.1.2.1 leaves an SCP free to match what the
/// hierarchical method does not require.
/// </summary>
internal sealed class DimseQuery
{
    public DimseQuery(DicomQueryLevel level, DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
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
