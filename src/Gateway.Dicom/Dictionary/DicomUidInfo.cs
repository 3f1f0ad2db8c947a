namespace Gateway.Dicom;

/// <summary>A UID registered in PS3.6 annex A: its name (e.g. "CT Image Storage"), keyword and kind.</summary>
public sealed record DicomUidInfo(string Uid, string Name, string Keyword, DicomUidType Type, bool IsRetired);
