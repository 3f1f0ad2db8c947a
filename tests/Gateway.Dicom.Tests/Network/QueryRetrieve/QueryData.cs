namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>Builds small identifiers and entity records for matcher tests.</summary>
internal static class QueryData
{
    /// <summary>A data set from (tag, VR, value) triples; a Specific Character Set, when given, is set first so that the other values are encoded in it.</summary>
    public static DicomDataset Dataset(params (DicomTag Tag, DicomVR VR, string Value)[] elements)
    {
        var dataset = new DicomDataset();
        foreach (var (tag, vr, value) in elements.OrderBy(element => element.Tag == DicomTags.SpecificCharacterSet ? 0 : 1))
        {
            dataset.SetString(tag, vr, value);
        }

        return dataset;
    }

    /// <summary>A data set holding one sequence of the given items.</summary>
    public static DicomDataset WithSequence(DicomDataset dataset, DicomTag tag, params DicomDataset[] items)
    {
        dataset.Add(new DicomSequence(tag, items));
        return dataset;
    }
}
