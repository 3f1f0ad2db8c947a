namespace Gateway.Dicom.Query;

/// <summary>The levels of the Query/Retrieve information models (PS3.4 C.6), from the top down.</summary>
public enum DicomQueryLevel
{
    Patient,
    Study,
    Series,
    Image,
}
