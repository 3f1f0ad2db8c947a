namespace Gateway.Dicom.Text;

/// <summary>The graphic sets that DICOM's defined terms name (PS3.3 C.12.1.1.2), with their escape sequences.</summary>
internal static class GraphicSets
{
    private const byte Esc = 0x1B;

    public static readonly SevenBitSet Ascii = new("ISO-IR 6 (ASCII)", [Esc, (byte)'(', (byte)'B']);
    public static readonly SevenBitSet JisRomaji = new("ISO-IR 14 (JIS X 0201 romaji)", [Esc, (byte)'(', (byte)'J']);

    public static readonly SingleByteSet Latin1 = new("ISO-IR 100 (ISO 8859-1)", G1Escape('A'), b => (char)b);
    public static readonly SingleByteSet Latin2 = FromCodePage("ISO-IR 101 (ISO 8859-2)", 'B', 28592);
    public static readonly SingleByteSet Latin3 = FromCodePage("ISO-IR 109 (ISO 8859-3)", 'C', 28593);
    public static readonly SingleByteSet Latin4 = FromCodePage("ISO-IR 110 (ISO 8859-4)", 'D', 28594);

    // Windows' 28597 predates ISO 8859-7:2003, which added the euro, drachma and ypogegrammeni signs, and maps
    // 0xA1/0xA2 to modifier letters where ISO 8859-7 has the quotation marks.
    public static readonly SingleByteSet Greek = FromCodePage(
        "ISO-IR 126 (ISO 8859-7)",
        'F',
        28597,
        new Dictionary<byte, char> { [0xA1] = '\u2018', [0xA2] = '\u2019', [0xA4] = '\u20AC', [0xA5] = '\u20AF', [0xAA] = '\u037A' });

    public static readonly SingleByteSet Arabic = FromCodePage("ISO-IR 127 (ISO 8859-6)", 'G', 28596);

    // ISO 8859-8 (1999) has MACRON at 0xAF where Windows' 28598 has OVERLINE, and defines LEFT-TO-RIGHT MARK and
    // RIGHT-TO-LEFT MARK at 0xFD and 0xFE, which 28598 leaves out.
    public static readonly SingleByteSet Hebrew = FromCodePage(
        "ISO-IR 138 (ISO 8859-8)",
        'H',
        28598,
        new Dictionary<byte, char> { [0xAF] = '\u00AF', [0xFD] = '\u200E', [0xFE] = '\u200F' });

    public static readonly SingleByteSet Cyrillic = FromCodePage("ISO-IR 144 (ISO 8859-5)", 'L', 28595);
    public static readonly SingleByteSet Latin5 = FromCodePage("ISO-IR 148 (ISO 8859-9)", 'M', 28599);
    public static readonly SingleByteSet Latin9 = FromCodePage("ISO-IR 203 (ISO 8859-15)", 'b', 28605);

    /// <summary>TIS 620-2533: Thai letters 0xA1-0xDA and 0xDF-0xFB at U+0E01 onwards, in order.</summary>
    public static readonly SingleByteSet Thai = new(
        "ISO-IR 166 (TIS 620-2533)",
        G1Escape('T'),
        b => b is (>= 0xA1 and <= 0xDA) or (>= 0xDF and <= 0xFB) ? (char)(0x0E01 + b - 0xA1) : GraphicSet.Replacement);

    /// <summary>JIS X 0201 katakana (ISO-IR 13): 0xA1-0xDF are the half-width katakana U+FF61-U+FF9F.</summary>
    public static readonly SingleByteSet JisKatakana = new(
        "ISO-IR 13 (JIS X 0201 katakana)",
        [Esc, (byte)')', (byte)'I'],
        b => b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + b - 0xA1) : GraphicSet.Replacement);

    /// <summary>
    /// JIS X 0208 from code page 20932 (EUC-JP with the JIS mappings, e.g. WAVE DASH), without row 13 (NEC's special
    /// characters). The encoder also takes the characters that code page 932 uses for seven of its codes.
    /// </summary>
    public static readonly DoubleByteSet JisX0208 = new(
        "ISO-IR 87 (JIS X 0208)",
        CodeElement.G0,
        [Esc, (byte)'$', (byte)'B'],
        20932,
        (first, second) => [(byte)(first | 0x80), (byte)(second | 0x80)],
        [0x2D],
        new Dictionary<int, char>(),
        new Dictionary<char, int>
        {
            ['\uFF5E'] = 0x2141, ['\u2225'] = 0x2142, ['\uFF0D'] = 0x215D, ['\uFFE0'] = 0x2171, ['\uFFE1'] = 0x2172, ['\uFFE2'] = 0x224C,
        });

    /// <summary>
    /// JIS X 0212 from code page 20932, which encodes it as a GR byte followed by a GL byte; without rows 0x73-0x74
    /// (IBM extensions) and with TILDE and NUMERO SIGN, which that code page leaves out.
    /// </summary>
    public static readonly DoubleByteSet JisX0212 = new(
        "ISO-IR 159 (JIS X 0212)",
        CodeElement.G0,
        [Esc, (byte)'$', (byte)'(', (byte)'D'],
        20932,
        (first, second) => [(byte)(first | 0x80), (byte)second],
        [0x73, 0x74],
        new Dictionary<int, char> { [0x2237] = '~', [0x2271] = '\u2116' },
        new Dictionary<char, int>());

    /// <summary>KS X 1001 from code page 949, whose GR x GR area is exactly EUC-KR.</summary>
    public static readonly DoubleByteSet KsX1001 = new(
        "ISO-IR 149 (KS X 1001)",
        CodeElement.G1,
        [Esc, (byte)'$', (byte)')', (byte)'C'],
        949,
        (first, second) => [(byte)(first | 0x80), (byte)(second | 0x80)],
        [],
        new Dictionary<int, char>(),
        new Dictionary<char, int>());

    /// <summary>
    /// GB 2312 from code page 20936 (GB2312-80), which lacks DOUBLE VERTICAL LINE at 0x212C. The encoder also takes
    /// the characters that GB 18030 maps 0x2124 and 0x212A to (MIDDLE DOT, EM DASH).
    /// </summary>
    public static readonly DoubleByteSet Gb2312 = new(
        "ISO-IR 58 (GB 2312)",
        CodeElement.G1,
        [Esc, (byte)'$', (byte)')', (byte)'A'],
        20936,
        (first, second) => [(byte)(first | 0x80), (byte)(second | 0x80)],
        [],
        new Dictionary<int, char> { [0x212C] = '\u2016' },
        new Dictionary<char, int> { ['\u00B7'] = 0x2124, ['\u2014'] = 0x212A });

    /// <summary>ESC $ @ designates JIS C 6226-1978, the predecessor of JIS X 0208; some writers still emit it.</summary>
    private static readonly byte[] JisC6226EscapeSequence = [Esc, (byte)'$', (byte)'@'];

    private static readonly GraphicSet[] All =
    [
        Ascii, JisRomaji, Latin1, Latin2, Latin3, Latin4, Greek, Arabic, Hebrew, Cyrillic, Latin5, Latin9, Thai,
        JisKatakana, JisX0208, JisX0212, KsX1001, Gb2312,
    ];

    /// <summary>Recognises an escape sequence at the start of <paramref name="bytes"/> that designates one of the sets.</summary>
    public static bool TryMatchEscapeSequence(ReadOnlySpan<byte> bytes, out GraphicSet set, out int length)
    {
        foreach (var candidate in All)
        {
            if (bytes.StartsWith(candidate.EscapeSequence))
            {
                set = candidate;
                length = candidate.EscapeSequence.Length;
                return true;
            }
        }

        if (bytes.StartsWith(JisC6226EscapeSequence))
        {
            set = JisX0208;
            length = JisC6226EscapeSequence.Length;
            return true;
        }

        set = Ascii;
        length = 0;
        return false;
    }

    private static byte[] G1Escape(char final) => [Esc, (byte)'-', (byte)final];

    private static SingleByteSet FromCodePage(string name, char final, int codePage, Dictionary<byte, char>? corrections = null)
    {
        System.Text.Encoding? encoding = null;
        return new(name, G1Escape(final), b =>
            corrections is not null && corrections.TryGetValue(b, out var corrected)
                ? corrected
                : CodePages.DecodeOne(encoding ??= CodePages.Get(codePage), [b]));
    }
}
