using Gateway.Dicom.Text;

namespace Gateway.Dicom.Tests.Text;

/// <summary>The API's contract: choosing the character set from (0008,0005), never throwing on bad bytes, and clear errors on text that cannot be encoded.</summary>
public sealed class DicomCharacterSetTests
{
    [Fact]
    public void AnAbsentOrEmptySpecificCharacterSetIsTheDefaultRepertoire()
    {
        Assert.Same(DicomCharacterSet.Default, DicomCharacterSet.FromSpecificCharacterSet([]));
        Assert.Same(DicomCharacterSet.Default, DicomCharacterSet.FromSpecificCharacterSet([""]));
        Assert.Same(DicomCharacterSet.Default, DicomCharacterSet.FromSpecificCharacterSet(["  "]));
    }

    [Fact]
    public void OneInstanceServesEachDistinctValueWhateverItsPadding()
    {
        var first = DicomCharacterSet.FromSpecificCharacterSet(["ISO 2022 IR 6", "ISO 2022 IR 87"]);
        var again = DicomCharacterSet.FromSpecificCharacterSet(["ISO 2022 IR 6 ", "ISO 2022 IR 87 "]);

        Assert.Same(first, again);
        Assert.Equal(["ISO 2022 IR 6", "ISO 2022 IR 87"], first.Terms);
        Assert.True(first.UsesCodeExtensions);
    }

    [Theory]
    [InlineData("ISO IR 100")]
    [InlineData("ISO-IR 100")]
    [InlineData("ISO_IR100")]
    [InlineData("iso_ir 100")]
    public void CommonMisspellingsOfADefinedTermAreAccepted(string term)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet([term]);

        Assert.Equal("Jérôme", characterSet.Decode([0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65], DicomVR.PN));
        Assert.Empty(characterSet.IgnoredTerms);
    }

    [Fact]
    public void AnUnknownTermIsIgnoredAndHighBytesReadAsLatin1()
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 999"]);

        Assert.Equal(["ISO_IR 999"], characterSet.IgnoredTerms);
        Assert.Equal("Aé", characterSet.Decode([0x41, 0xE9], DicomVR.LO));
    }

    [Fact]
    public void TermsAfterAStandAloneEncodingAreIgnored()
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192", "ISO 2022 IR 87"]);

        Assert.Equal(["ISO 2022 IR 87"], characterSet.IgnoredTerms);
        Assert.Equal("é", characterSet.Decode([0xC3, 0xA9], DicomVR.LO));
    }

    [Fact]
    public void Latin9HasTheEuroSignAndTheOeLigature()
    {
        // ISO 8859-15 puts EURO SIGN at 0xA4 and LATIN SMALL LIGATURE OE at 0xBD, where ISO 8859-1 has ¤ and ½.
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 203"]);

        Assert.Equal("€œ", characterSet.Decode([0xA4, 0xBD], DicomVR.LO));
        Assert.Equal([0xA4, 0xBD], characterSet.Encode("€œ", DicomVR.LO));
    }

    [Fact]
    public void VRsThatSpecificCharacterSetDoesNotApplyToReadAsAsciiWithLatin1Fallback()
    {
        var utf8 = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]);

        Assert.Equal("Ã©", utf8.Decode([0xC3, 0xA9], DicomVR.CS));
        Assert.Equal("é", utf8.Decode([0xC3, 0xA9], DicomVR.LO));
    }

    [Fact]
    public void TheDefaultRepertoireReadsHighBytesAsLatin1SoNothingIsLost()
    {
        Assert.Equal("Müller", DicomCharacterSet.Default.Decode([0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72], DicomVR.PN));
    }

    [Theory]
    [InlineData(new[] { "ISO_IR 192" }, new byte[] { 0x41, 0xFF, 0x42 }, "A\uFFFDB")]
    [InlineData(new[] { "ISO_IR 192" }, new byte[] { 0x41, 0xE4, 0xB8 }, "A\uFFFD")]
    [InlineData(new[] { "ISO_IR 127" }, new byte[] { 0xA1 }, "\uFFFD")]
    [InlineData(new[] { "", "ISO 2022 IR 87" }, new byte[] { 0x1B, 0x24, 0x42, 0x3B }, "\uFFFD")]
    [InlineData(new[] { "", "ISO 2022 IR 87" }, new byte[] { 0x1B, 0x24, 0x42, 0x22, 0x2F }, "\uFFFD")]
    [InlineData(new[] { "", "ISO 2022 IR 149" }, new byte[] { 0x1B, 0x24, 0x29, 0x43, 0xC7 }, "\uFFFD")]
    [InlineData(new[] { "", "ISO 2022 IR 149" }, new byte[] { 0x1B, 0x24, 0x29, 0x43, 0xC7, 0x41 }, "\uFFFDA")]
    [InlineData(new[] { "GB18030" }, new byte[] { 0x81 }, "\uFFFD")]
    public void BytesTheDeclaredSetDoesNotDefineBecomeReplacementCharacters(string[] terms, byte[] bytes, string expected)
    {
        Assert.Equal(expected, DicomCharacterSet.FromSpecificCharacterSet(terms).Decode(bytes, DicomVR.LO));
    }

    [Fact]
    public void AnUnknownEscapeSequenceIsKeptAsText()
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]);

        Assert.Equal("\u001B(Zx", characterSet.Decode([0x1B, 0x28, 0x5A, 0x78], DicomVR.LO));
    }

    [Fact]
    public void DecodingArbitraryBytesNeverThrows()
    {
        string[][] declarations =
        [
            [], ["ISO_IR 100"], ["ISO_IR 166"], ["ISO_IR 13"], ["ISO_IR 192"], ["GB18030"], ["GBK"],
            ["", "ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 13"], ["ISO 2022 IR 100", "ISO 2022 IR 149", "ISO 2022 IR 58"],
        ];
        var random = new Random(20261122);
        var bytes = new byte[24];
        foreach (var terms in declarations)
        {
            var characterSet = DicomCharacterSet.FromSpecificCharacterSet(terms);
            for (var i = 0; i < 2000; i++)
            {
                random.NextBytes(bytes);

                // Escape sequences are what the decoder must survive, so make them frequent.
                bytes[random.Next(bytes.Length)] = 0x1B;
                foreach (var vr in new[] { DicomVR.PN, DicomVR.LT, DicomVR.LO })
                {
                    Assert.NotNull(characterSet.Decode(bytes, vr));
                }
            }
        }
    }

    [Theory]
    [InlineData(new[] { "ISO_IR 100" }, "Ж", "U+0416")]
    [InlineData(new string[0], "é", "U+00E9")]
    [InlineData(new[] { "GBK" }, "한", "U+D55C")]
    [InlineData(new[] { "", "ISO 2022 IR 87" }, "😀", "U+1F600")]
    [InlineData(new[] { "", "ISO 2022 IR 87" }, "①", "U+2460")]
    public void EncodingACharacterOutsideTheDeclaredSetsThrowsADicomExceptionNamingIt(string[] terms, string text, string codePoint)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(terms);

        var error = Assert.Throws<DicomException>(() => characterSet.Encode("ok " + text, DicomVR.LO));

        Assert.Contains(codePoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("index 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodingALoneSurrogateThrowsADicomException()
    {
        // Not an InlineData: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        var utf8 = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]);

        var error = Assert.Throws<DicomException>(() => utf8.Encode("ok \uD800", DicomVR.LO));

        Assert.Contains("U+D800", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonTextVRsTakeAsciiOnly()
    {
        var utf8 = DicomCharacterSet.FromSpecificCharacterSet(["ISO_IR 192"]);

        Assert.Equal("ABC"u8.ToArray(), utf8.Encode("ABC", DicomVR.CS));
        Assert.Throws<DicomException>(() => utf8.Encode("é", DicomVR.CS));
    }

    [Fact]
    public void TheEncoderTakesTheVendorFormsOfJisAndGbPunctuation()
    {
        // Code page 932 types WAVE DASH (JIS X 0208 0x2141) as FULLWIDTH TILDE; GB 18030 maps GB 2312 0x2124 to MIDDLE DOT.
        var japanese = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 87"]);
        var chinese = DicomCharacterSet.FromSpecificCharacterSet(["", "ISO 2022 IR 58"]);

        Assert.Equal([0x1B, 0x24, 0x42, 0x21, 0x41, 0x1B, 0x28, 0x42], japanese.Encode("\uFF5E", DicomVR.LO));
        Assert.Equal([0x1B, 0x24, 0x29, 0x41, 0xA1, 0xA4], chinese.Encode("\u00B7", DicomVR.LO));
    }
}
