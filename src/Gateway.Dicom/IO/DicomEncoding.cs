namespace Gateway.Dicom.IO;

/// <summary>The two rules of a transfer syntax that govern how elements are laid out.</summary>
internal readonly record struct DicomEncoding(bool ExplicitVR, bool BigEndian)
{
    public static readonly DicomEncoding ImplicitLittleEndian = new(false, false);

    public static readonly DicomEncoding ExplicitLittleEndian = new(true, false);

    public static DicomEncoding Of(DicomTransferSyntax syntax) => new(syntax.IsExplicitVR, syntax.IsBigEndian);
}
