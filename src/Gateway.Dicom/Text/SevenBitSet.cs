namespace Gateway.Dicom.Text;

/// <summary>
/// A 94-character set for G0 that is read as ASCII: ISO-IR 6 itself and JIS X 0201 romaji (ISO-IR 14). Romaji differs
/// from ASCII only at 05/12 (YEN SIGN) and 07/14 (OVERLINE); like pydicom and DCMTK's common use, and because 05/12 is
/// the value delimiter of SH, LO, PN and UC, those two codes are read as BACKSLASH and TILDE.
/// </summary>
internal sealed class SevenBitSet : GraphicSet
{
    public SevenBitSet(string name, byte[] escapeSequence)
        : base(name, CodeElement.G0, escapeSequence, 1)
    {
    }

    public override char Decode(int code) => (char)code;

    public override bool TryEncode(char character, out int code)
    {
        code = character;
        return character < 0x80;
    }
}
