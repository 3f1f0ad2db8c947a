using Gateway.Dicom.Tests.Robustness;

namespace Gateway.Dicom.Tests.Part10;

/// <summary>
/// Issue 13 point 3, the parse rule: zero bytes after the top-level data set are trailing padding, not elements
/// (DCMTK's dcmdump reads such files too), from a seekable and from a forward-only stream alike; the file without them
/// is its first <see cref="DicomFile.TrailingPaddingOffset"/> bytes. Zeros followed by anything else are damage.
/// </summary>
public sealed class TrailingPaddingTests
{
    private const string NativeCt = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(4096)]
    [InlineData(300_000)]
    public void Point03_zero_padding_after_the_data_set_is_not_read_as_elements_and_its_offset_is_reported(int padding)
    {
        var original = File.ReadAllBytes(TestData.RequireSharedData(NativeCt));
        var padded = original.Concat(new byte[padding]).ToArray();
        var expected = DicomFile.Read(new MemoryStream(original));

        foreach (var stream in new Stream[] { new MemoryStream(padded), new TrickleStream(padded, padding) })
        {
            var file = DicomFile.Read(stream);
            Assert.Empty(DatasetComparer.Differences(expected.Dataset, file.Dataset));
            Assert.Equal(original.Length, file.TrailingPaddingOffset);
        }

        Assert.Null(expected.TrailingPaddingOffset);
    }

    [Fact]
    public void Point03_zeros_after_the_data_set_followed_by_other_bytes_are_refused_as_damage()
    {
        var original = File.ReadAllBytes(TestData.RequireSharedData(NativeCt));
        byte[] damaged = [.. original, .. new byte[64], 0x08, 0x00];

        var exception = Assert.Throws<DicomParseException>(() => DicomFile.Read(new MemoryStream(damaged)));
        Assert.Contains($"offset {original.Length}", exception.Message, StringComparison.Ordinal);
    }
}
