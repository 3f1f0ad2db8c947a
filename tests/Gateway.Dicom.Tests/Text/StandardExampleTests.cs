using System.Globalization;
using Gateway.Dicom.Text;

namespace Gateway.Dicom.Tests.Text;

/// <summary>Known answers: the encoded examples of PS3.5 Annexes H (Japanese), I (Korean), J (Unicode, GB18030) and K (GB 2312), typed from the standard.</summary>
public sealed class StandardExampleTests
{
    private const string JapaneseName = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    private const string JapaneseKatakanaName = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう";

    /// <summary>PS3.5 Example H.3-1, "encoded representation", in the standard's column/row notation.</summary>
    private static readonly byte[] ExampleH31 = ColumnRow(
        "05/09 06/01 06/13 06/01 06/04 06/01 05/14 05/04 06/01 07/02 06/15 07/05 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 " +
        "01/11 02/08 04/02 05/14 01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/02 03/13 01/11 02/04 04/02 02/04 06/04 " +
        "02/04 05/14 02/04 04/00 01/11 02/08 04/02 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/02");

    /// <summary>PS3.5 Example H.3-2.</summary>
    private static readonly byte[] ExampleH32 = ColumnRow(
        "13/04 12/15 12/00 13/14 05/14 12/00 13/11 11/03 03/13 01/11 02/04 04/02 03/11 03/03 04/05 04/04 01/11 02/08 04/10 05/14 " +
        "01/11 02/04 04/02 04/02 04/00 04/15 03/10 01/11 02/08 04/10 03/13 01/11 02/04 04/02 02/04 06/04 02/04 05/14 02/04 04/00 " +
        "01/11 02/08 04/10 05/14 01/11 02/04 04/02 02/04 03/15 02/04 06/13 02/04 02/06 01/11 02/08 04/10");

    /// <summary>PS3.5 Example I.2-1.</summary>
    private static readonly byte[] ExampleI21 = ColumnRow(
        "04/08 06/15 06/14 06/07 05/14 04/07 06/09 06/12 06/04 06/15 06/14 06/07 03/13 01/11 02/04 02/09 04/03 15/11 15/03 05/14 " +
        "01/11 02/04 02/09 04/03 13/01 12/14 13/04 13/07 03/13 01/11 02/04 02/09 04/03 12/08 10/11 05/14 01/11 02/04 02/09 04/03 " +
        "11/01 14/06 11/05 11/15");

    /// <summary>PS3.5 Example J.2-1 (UTF-8 LT).</summary>
    private static readonly byte[] ExampleJ21 = Hex(
        "0x54 0x68 0x65 0x20 0x66 0x69 0x72 0x73 0x74 0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 0xe4 " +
        "0xb8 0xad 0xe6 0x96 0x87 0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x73 0x65 0x63 0x6f 0x6e 0x64 0x20 0x6c 0x69 0x6e 0x65 0x20 " +
        "0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 0xe4 0xb8 0xad 0xe6 0x96 0x87 0x2c 0x20 0x74 0x6f 0x6f 0x2e 0x0d 0x0a 0x54 0x68 " +
        "0x65 0x20 0x74 0x68 0x69 0x72 0x64 0x20 0x6c 0x69 0x6e 0x65 0x2e 0x0d 0x0a");

    /// <summary>PS3.5 Example J.3-1 (GB18030 PN).</summary>
    private static readonly byte[] ExampleJ31 = Hex(
        "0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 0xa1 0xb6 0xab 0x3d");

    /// <summary>PS3.5 Example J.4-1 (GB18030 LT).</summary>
    private static readonly byte[] ExampleJ41 = Hex(
        "0x54 0x68 0x65 0x20 0x66 0x69 0x72 0x73 0x74 0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 " +
        "0xd6 0xd0 0xce 0xc4 " +
        "0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x73 0x65 0x63 0x6f 0x6e 0x64 0x20 0x6c 0x69 0x6e 0x65 0x20 0x69 0x6e 0x63 0x6c 0x75 0x64 0x65 0x73 " +
        "0xd6 0xd0 0xce 0xc4 " +
        "0x2c 0x20 0x74 0x6f 0x6f 0x2e 0x0d 0x0a 0x54 0x68 0x65 0x20 0x74 0x68 0x69 0x72 0x64 0x20 0x6c 0x69 0x6e 0x65 0x2e 0x0d 0x0a");

    /// <summary>PS3.5 Example K.2-1 (ISO 2022 IR 58 PN), which ends with a padding SPACE.</summary>
    private static readonly byte[] ExampleK21 = Hex(
        "0x5A 0x68 0x61 0x6E 0x67 0x5E 0x58 0x69 0x61 0x6F 0x44 0x6F 0x6E 0x67 0x3D 0x1B 0x24 0x29 0x41 0xD5 0xC5 0x5E 0x1B 0x24 " +
        "0x29 0x41 0xD0 0xA1 0xB6 0xAB 0x3D 0x20");

    /// <summary>PS3.5 Example K.3-1 (ISO 2022 IR 58 LT, three lines).</summary>
    private static readonly byte[] ExampleK31 = Hex(
        "0x31 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xD2 0xBB 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
        "0x32 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xB6 0xFE 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A " +
        "0x33 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xC8 0xFD 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x0D 0x0A");

    private const string ExampleJ2Text = "The first line includes中文.\r\nThe second line includes中文, too.\r\nThe third line.\r\n";
    private const string ExampleK3Text = "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n";

    public static TheoryData<string[], string, string, byte[]> Examples => new()
    {
        { ["", "ISO 2022 IR 87"], "PN", JapaneseName, ExampleH31 },
        { ["ISO 2022 IR 6", "ISO 2022 IR 87"], "PN", JapaneseName, ExampleH31 },
        { ["ISO 2022 IR 13", "ISO 2022 IR 87"], "PN", JapaneseKatakanaName, ExampleH32 },
        { ["", "ISO 2022 IR 149"], "PN", "Hong^Gildong=洪^吉洞=홍^길동", ExampleI21 },
        { ["ISO_IR 192"], "LT", ExampleJ2Text, ExampleJ21 },
        { ["GB18030"], "PN", "Wang^XiaoDong=王^小东=", ExampleJ31 },
        { ["GBK"], "PN", "Wang^XiaoDong=王^小东=", ExampleJ31 },
        { ["GB18030"], "LT", ExampleJ2Text, ExampleJ41 },
        { ["", "ISO 2022 IR 58"], "PN", "Zhang^XiaoDong=张^小东= ", ExampleK21 },
        { ["", "ISO 2022 IR 58"], "LT", ExampleK3Text, ExampleK31 },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void DecodesTheStandardsExample(string[] terms, string vr, string text, byte[] bytes)
    {
        var decoded = DicomCharacterSet.FromSpecificCharacterSet(terms).Decode(bytes, DicomVR.Parse(vr));

        Assert.Equal(text, decoded);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EncodesTheStandardsExampleByteForByte(string[] terms, string vr, string text, byte[] bytes)
    {
        var encoded = DicomCharacterSet.FromSpecificCharacterSet(terms).Encode(text, DicomVR.Parse(vr));

        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(encoded));
    }

    /// <summary>
    /// PS3.5 Example J.1-1 (UTF-8 PN). The standard prints the text, not the bytes; the bytes are the UTF-8 forms of
    /// U+738B, U+5C0F and U+6771 (E7 8E 8B, E5 B0 8F, E6 9D B1), which fo-dicom's chrX1.dcm also holds.
    /// </summary>
    [Fact]
    public void RoundTripsTheUnicodePersonNameOfExampleJ1()
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]);
        var bytes = Hex("57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d e7 8e 8b 5e e5 b0 8f e6 9d b1 3d");

        Assert.Equal("Wang^XiaoDong=王^小東=", characterSet.Decode(bytes, DicomVR.PN));
        Assert.Equal(bytes, characterSet.Encode("Wang^XiaoDong=王^小東=", DicomVR.PN));
    }

    /// <summary>
    /// PS3.5 Example I.3-1 gives the Korean lines with ESC $ ) C at the start of each line instead of bytes; KS X 1001
    /// codes 한 = 0xC7D1, 글 = 0xB1DB. After CR LF, G1 is empty again until the next escape sequence.
    /// </summary>
    [Fact]
    public void DecodesTheKoreanLongTextOfExampleI3WithG1DesignatedPerLine()
    {
        byte[] bytes =
        [
            0x1B, 0x24, 0x29, 0x43, .. "The first line includes"u8, 0xC7, 0xD1, 0xB1, 0xDB, .. ".\r\n"u8,
            0x1B, 0x24, 0x29, 0x43, .. "The second line includes"u8, 0xC7, 0xD1, 0xB1, 0xDB, .. ", too.\r\n"u8,
            .. "The third line"u8,
        ];

        var decoded = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 149"]).Decode(bytes, DicomVR.LT);

        Assert.Equal("The first line includes한글.\r\nThe second line includes한글, too.\r\nThe third line", decoded);
    }

    /// <summary>"05/09 06/01 ..." (column/row, PS3.5's notation) to bytes.</summary>
    private static byte[] ColumnRow(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(cell => (byte)((int.Parse(cell[..2], CultureInfo.InvariantCulture) << 4) | int.Parse(cell[3..], CultureInfo.InvariantCulture)))
            .ToArray();

    /// <summary>"0x57 0x61 ..." or "57 61 ..." to bytes.</summary>
    private static byte[] Hex(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(b => byte.Parse(b.Replace("0x", string.Empty, StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();
}
