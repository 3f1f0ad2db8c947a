namespace Gateway.Dicom.Query;

/// <summary>
/// A query identifier that cannot be evaluated: a malformed key value (a date range that does not parse), a
/// sequence key with more than one item, an unknown Query/Retrieve Level, or a hierarchical query missing the
/// unique key of a level above its own. A service provider answers it with a failure status.
/// </summary>
public sealed class DicomQueryException : DicomException
{
    public DicomQueryException(string message)
        : base(message)
    {
    }
}
