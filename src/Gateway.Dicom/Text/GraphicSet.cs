namespace Gateway.Dicom.Text;

/// <summary>The code element a graphic set is designated to (PS3.5 6.1.2.5): G0 is invoked in GL (bytes 0x21-0x7E), G1 in GR (0xA0-0xFF).</summary>
internal enum CodeElement
{
    G0,
    G1,
}

/// <summary>
/// One coded graphic character set of PS3.3 tables C.12-2 to C.12-4 (ISO-IR 6, ISO-IR 100, ISO-IR 87, ...), with the
/// ISO/IEC 2022 escape sequence that designates it. A code is the byte 0x00-0x7F of a single-byte G0 set, the byte
/// 0x80-0xFF of a single-byte G1 set, and (first &lt;&lt; 8) | second, both bytes taken without the high bit (0x21-0x7E),
/// of a 94x94 set.
/// </summary>
internal abstract class GraphicSet
{
    /// <summary>What a code that the set does not define decodes to.</summary>
    public const char Replacement = '\uFFFD';

    protected GraphicSet(string name, CodeElement element, byte[] escapeSequence, int bytesPerCharacter)
    {
        Name = name;
        Element = element;
        EscapeSequence = escapeSequence;
        BytesPerCharacter = bytesPerCharacter;
    }

    /// <summary>The ISO registration and the standard, for messages, e.g. "ISO-IR 87 (JIS X 0208)".</summary>
    public string Name { get; }

    public CodeElement Element { get; }

    /// <summary>The escape sequence that designates this set to its code element.</summary>
    public byte[] EscapeSequence { get; }

    /// <summary>1 for the 94- and 96-character sets, 2 for the 94x94 multi-byte sets.</summary>
    public int BytesPerCharacter { get; }

    /// <summary>The character of a code, or <see cref="Replacement"/> when the set does not define it.</summary>
    public abstract char Decode(int code);

    /// <summary>The code of a character, when the set contains it.</summary>
    public abstract bool TryEncode(char character, out int code);

    public override string ToString() => Name;
}
