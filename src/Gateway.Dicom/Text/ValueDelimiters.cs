namespace Gateway.Dicom.Text;

/// <summary>
/// The characters before which PS3.5 6.1.2.5.3 makes the character sets of value 1 active again, so that a decoder
/// returns G0 and G1 to their initial sets after them: control characters other than ESC (CR, LF, FF, TAB, ...), the
/// value delimiter BACKSLASH for multi-valued VRs, and the component group and component delimiters '=' and '^' of PN.
/// </summary>
internal readonly record struct ValueDelimiters(bool Backslash, bool PersonName)
{
    public static ValueDelimiters For(DicomVR vr) => new(vr.IsMultiValued, vr == DicomVR.PN);

    public bool ResetsCodeElements(int character) => character switch
    {
        < 0x20 => character != 0x1B,
        '\\' => Backslash,
        '^' or '=' => PersonName,
        _ => false,
    };
}
