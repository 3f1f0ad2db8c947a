namespace Gateway.Dicom.Text;

/// <summary>
/// A 94- or 96-character set invoked in GR through G1 (the right half of ISO 8859-x, TIS 620, JIS X 0201 katakana).
/// Bytes 0x80-0x9F are the C1 control characters in all of them. The table is built on first use.
/// </summary>
internal sealed class SingleByteSet : GraphicSet
{
    private readonly Lazy<(char[] Characters, Dictionary<char, byte> Codes)> table;

    /// <param name="rightHalf">The character of each byte 0xA0-0xFF, or <see cref="GraphicSet.Replacement"/> where the set leaves it undefined.</param>
    public SingleByteSet(string name, byte[] escapeSequence, Func<byte, char> rightHalf)
        : base(name, CodeElement.G1, escapeSequence, 1)
    {
        table = new Lazy<(char[], Dictionary<char, byte>)>(() => Build(rightHalf));
    }

    /// <summary>Decodes a byte 0x80-0xFF (a GR byte; the argument keeps its high bit).</summary>
    public override char Decode(int code) => table.Value.Characters[code - 0x80];

    /// <summary>Gives the GR byte 0x80-0xFF of a character.</summary>
    public override bool TryEncode(char character, out int code)
    {
        var found = table.Value.Codes.TryGetValue(character, out var value);
        code = value;
        return found;
    }

    private static (char[] Characters, Dictionary<char, byte> Codes) Build(Func<byte, char> rightHalf)
    {
        var characters = new char[0x80];
        var codes = new Dictionary<char, byte>(0x80);
        for (var b = 0x80; b <= 0xFF; b++)
        {
            var character = b < 0xA0 ? (char)b : rightHalf((byte)b);
            characters[b - 0x80] = character;
            if (character != Replacement)
            {
                codes.TryAdd(character, (byte)b);
            }
        }

        return (characters, codes);
    }
}
