namespace Gateway.Dicom.Text;

/// <summary>
/// A 94x94 multi-byte set (JIS X 0208, JIS X 0212, KS X 1001, GB 2312). The table is taken on first use from a .NET
/// code page that contains the set, minus the rows that code page adds to the standard set, with the corrections
/// listed by the caller; <paramref name="encodeAliases"/> are extra characters the encoder accepts for a code (the
/// vendor mappings people commonly type, e.g. FULLWIDTH TILDE for JIS X 0208 WAVE DASH).
/// </summary>
internal sealed class DoubleByteSet : GraphicSet
{
    private const int Size = 94;

    private readonly Lazy<(char[] Characters, Dictionary<char, int> Codes)> table;

    /// <param name="codePage">The .NET code page whose tables contain the set.</param>
    /// <param name="codePageBytes">The code page's bytes for the 7-bit pair (first, second).</param>
    /// <param name="excludedRows">First bytes whose rows the code page fills with characters that are not in the standard set.</param>
    /// <param name="overrides">Codes whose character differs from the code page's, or that the code page lacks.</param>
    /// <param name="encodeAliases">Further characters accepted by the encoder for a code.</param>
    public DoubleByteSet(
        string name,
        CodeElement element,
        byte[] escapeSequence,
        int codePage,
        Func<int, int, byte[]> codePageBytes,
        IReadOnlyCollection<int> excludedRows,
        IReadOnlyDictionary<int, char> overrides,
        IReadOnlyDictionary<char, int> encodeAliases)
        : base(name, element, escapeSequence, 2)
    {
        table = new Lazy<(char[], Dictionary<char, int>)>(() => Build(codePage, codePageBytes, excludedRows, overrides, encodeAliases));
    }

    public override char Decode(int code)
    {
        var first = (code >> 8) - 0x21;
        var second = (code & 0xFF) - 0x21;
        return first is >= 0 and < Size && second is >= 0 and < Size ? table.Value.Characters[(first * Size) + second] : Replacement;
    }

    public override bool TryEncode(char character, out int code) => table.Value.Codes.TryGetValue(character, out code);

    private static (char[] Characters, Dictionary<char, int> Codes) Build(
        int codePage,
        Func<int, int, byte[]> codePageBytes,
        IReadOnlyCollection<int> excludedRows,
        IReadOnlyDictionary<int, char> overrides,
        IReadOnlyDictionary<char, int> encodeAliases)
    {
        var encoding = CodePages.Get(codePage);
        var characters = new char[Size * Size];
        var codes = new Dictionary<char, int>(Size * Size);
        for (var first = 0x21; first <= 0x7E; first++)
        {
            for (var second = 0x21; second <= 0x7E; second++)
            {
                var code = (first << 8) | second;
                var character = overrides.TryGetValue(code, out var corrected)
                    ? corrected
                    : excludedRows.Contains(first) ? Replacement : CodePages.DecodeOne(encoding, codePageBytes(first, second));
                characters[((first - 0x21) * Size) + second - 0x21] = character;
                if (character != Replacement)
                {
                    codes.TryAdd(character, code);
                }
            }
        }

        foreach (var (character, code) in encodeAliases)
        {
            codes.TryAdd(character, code);
        }

        return (characters, codes);
    }
}
