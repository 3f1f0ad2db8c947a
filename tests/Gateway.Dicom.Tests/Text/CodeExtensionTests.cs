using Gateway.Dicom.Text;

namespace Gateway.Dicom.Tests.Text;

/// <summary>
/// Escape-sequence switching and the reset rules of PS3.5 6.1.2.5.3 on hand-made values, checked with pydicom: its
/// reading of the same bytes, and its reading of what this library encodes. (ISO 2022 IR 58 is left to the standard's
/// examples: pydicom 2.3.1 keeps its escape sequences in the text.)
/// </summary>
public sealed class CodeExtensionTests
{
    private static readonly byte[] Esc = [0x1B];

    /// <summary>(name, terms, VR, bytes): byte strings that exercise designation and reset.</summary>
    private static readonly (string Name, string[] Terms, string VR, byte[] Bytes)[] DecodeCases =
    [
        ("G1 (KS X 1001) is empty again after CR LF", ["", "ISO 2022 IR 149"], "LT", [.. Esc, .. "$)C"u8, 0xC7, 0xD1, .. "\r\n"u8, 0xC7, 0xD1]),
        ("G1 (KS X 1001) is empty again after TAB", ["", "ISO 2022 IR 149"], "ST", [.. Esc, .. "$)C"u8, 0xC7, 0xD1, .. "\t"u8, 0xC7, 0xD1]),
        ("G1 persists across ASCII within a line", ["", "ISO 2022 IR 149"], "LT", [.. Esc, .. "$)C"u8, 0xC7, 0xD1, .. " and "u8, 0xB1, 0xDB]),
        ("G1 (Greek) returns to value 1's Latin-1 after a backslash", ["ISO 2022 IR 100", "ISO 2022 IR 126"], "LO", [.. Esc, .. "-F"u8, 0xC1, .. "\\"u8, 0xC1]),
        ("G1 (Greek) returns to value 1's Latin-1 after '^' in PN", ["ISO 2022 IR 100", "ISO 2022 IR 126"], "PN", [.. Esc, .. "-F"u8, 0xC1, .. "^"u8, 0xC1]),
        ("G1 switches between Cyrillic and Greek within a value", ["ISO 2022 IR 144", "ISO 2022 IR 126"], "LO", [0xB0, .. Esc, .. "-F"u8, 0xC1, .. Esc, .. "-L"u8, 0xB0]),
        ("without a G1 set GR bytes read as Latin-1", ["", "ISO 2022 IR 87"], "LO", [0xE9, .. Esc, .. "$B"u8, 0x3B, 0x33, .. Esc, .. "(B"u8]),
        ("JIS X 0212 in G0", ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], "LO", [.. Esc, .. "$(D"u8, 0x30, 0x21, .. Esc, .. "$B"u8, 0x3B, 0x33, .. Esc, .. "(B"u8]),
        ("JIS X 0201 katakana in G1 and romaji in G0", ["", "ISO 2022 IR 13"], "SH", [.. Esc, .. ")I"u8, 0xD4, 0xCF, .. Esc, .. "(J"u8, .. "ab"u8]),
        ("ISO_IR 13 without extensions", ["ISO_IR 13"], "SH", [.. "ab"u8, 0xD4, 0xCF, 0xC0, 0xDE]),
        ("Thai in G1", ["ISO 2022 IR 166"], "LO", [0xA1, 0xE0, .. "x"u8]),
    ];

    /// <summary>(name, terms, VR, text): texts whose encoding pydicom must read back unchanged.</summary>
    private static readonly (string Name, string[] Terms, string VR, string Text)[] EncodeCases =
    [
        ("Latin-1 and Greek in one value", ["ISO 2022 IR 100", "ISO 2022 IR 126"], "LO", "Zoë Ελλάδα"),
        ("Greek in one PN component, Latin-1 in the next", ["ISO 2022 IR 100", "ISO 2022 IR 126"], "PN", "Παπαδόπουλος^Zoë"),
        ("kanji, JIS X 0212 kanji and ASCII", ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], "LO", "山田丂 x"),
        ("kanji with a SPACE between them", ["", "ISO 2022 IR 87"], "LO", "山田 太郎"),
        ("kanji in each of several values", ["", "ISO 2022 IR 87"], "LO", "山田\\太郎"),
        ("Hangul on several lines", ["", "ISO 2022 IR 149"], "LT", "첫째 줄 한글\r\n둘째 줄 한글"),
        ("half-width katakana and kanji", ["ISO 2022 IR 13", "ISO 2022 IR 87"], "PN", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎"),
        ("Cyrillic without extensions", ["ISO_IR 144"], "PN", "Люксембург^Иван"),
        ("Arabic", ["ISO_IR 127"], "LO", "قباني"),
        ("Hebrew", ["ISO_IR 138"], "LO", "שרון"),
        ("Thai", ["ISO_IR 166"], "LO", "ภาษาไทย"),
        ("Turkish", ["ISO_IR 148"], "LO", "İstanbul Ğ"),
        ("UTF-8 mixing scripts", ["ISO_IR 192"], "LT", "Zoë Ελλάδα 山田 한글 😀"),
        ("GB18030 beyond GBK", ["GB18030"], "LO", "王小东 😀"),
    ];

    /// <summary>pydicom's reading of each decode case's bytes, then of each encode case's encoding (one oracle run).</summary>
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<string>>> Pydicom = new(() =>
        PydicomCharsetOracle.Decode(
        [
            .. DecodeCases.Select(c => (c.Terms, c.VR, c.Bytes)),
            .. EncodeCases.Select(c => (c.Terms, c.VR, Encode(c.Terms, c.VR, c.Text))),
        ]));

    public static TheoryData<string> DecodeCaseNames => new(DecodeCases.Select(c => c.Name));

    public static TheoryData<string> EncodeCaseNames => new(EncodeCases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(DecodeCaseNames))]
    public void DecodesAsPydicomDoes(string name)
    {
        var index = Array.FindIndex(DecodeCases, c => c.Name == name);
        var (_, terms, vrCode, bytes) = DecodeCases[index];
        var vr = DicomVR.Parse(vrCode);

        var decoded = DicomCharacterSet.FromSpecificCharacterSet(terms).Decode(bytes, vr);

        Assert.Equal(Pydicom.Value[index], CharsetFiles.AsPydicomValues(decoded, vr));
    }

    [Theory]
    [MemberData(nameof(EncodeCaseNames))]
    public void PydicomReadsTheEncodedTextBack(string name)
    {
        var index = Array.FindIndex(EncodeCases, c => c.Name == name);
        var (_, _, vrCode, text) = EncodeCases[index];

        Assert.Equal(CharsetFiles.AsPydicomValues(text, DicomVR.Parse(vrCode)), Pydicom.Value[DecodeCases.Length + index]);
    }

    [Fact]
    public void AG1SetStaysDesignatedAcrossAsciiSoOneEscapeSequenceServesTheLine()
    {
        // PS3.5 I.2 note 1: once KS X 1001 is in G1, ASCII and Hangul mix without further escapes (한 C7D1, 글 B1DB).
        byte[] expected = [.. Esc, .. "$)C"u8, 0xC7, 0xD1, 0xB1, 0xDB, .. " "u8, 0xC7, 0xD1, 0xB1, 0xDB];

        var encoded = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 149"]).Encode("한글 한글", DicomVR.LO);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(encoded));
    }

    [Fact]
    public void AG1SetIsDesignatedAgainAfterEachLine()
    {
        // PS3.5 K.3: every line starts in the default character set and needs its own escape sequence.
        byte[] expected = [.. Esc, .. "$)C"u8, 0xC7, 0xD1, .. "\r\n"u8, .. Esc, .. "$)C"u8, 0xC7, 0xD1];

        var encoded = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 149"]).Encode("한\r\n한", DicomVR.LT);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(encoded));
    }

    private static byte[] Encode(string[] terms, string vr, string text) =>
        DicomCharacterSet.FromSpecificCharacterSet(terms).Encode(text, DicomVR.Parse(vr));
}
