namespace Gateway.Dicom.Tests;

public class DicomTagTests
{
    [Theory]
    [InlineData("(0010,0010)", 0x00100010u)]
    [InlineData("7FE00010", 0x7FE00010u)]
    [InlineData("0008,0005", 0x00080005u)]
    public void Parse_accepts_the_usual_spellings(string text, uint expected) =>
        Assert.Equal(expected, DicomTag.Parse(text).Value);

    [Theory]
    [InlineData("")]
    [InlineData("(0010,001)")]
    [InlineData("0010001G")]
    [InlineData("001000100")]
    public void Parse_rejects_malformed_tags(string text) =>
        Assert.False(DicomTag.TryParse(text, out _));

    [Fact]
    public void Tags_order_by_group_then_element()
    {
        Assert.True(new DicomTag(0x0008, 0xFFFF) < new DicomTag(0x0009, 0x0000));
        Assert.True(new DicomTag(0x0029, 0x1010).IsPrivate);
        Assert.False(new DicomTag(0x0028, 0x0010).IsPrivate);
        Assert.True(new DicomTag(0x0029, 0x0010).IsPrivateCreator);
    }
}
