namespace Gateway.Dicom.Tests.Dictionary;

public class DicomValueMultiplicityTests
{
    [Theory]
    [InlineData(0x0010, 0x0010, 1, true)] // PatientName, "1"
    [InlineData(0x0010, 0x0010, 2, false)]
    [InlineData(0x0008, 0x0005, 0, false)] // SpecificCharacterSet, "1-n"
    [InlineData(0x0008, 0x0005, 1000, true)]
    [InlineData(0x0008, 0x0008, 1, false)] // ImageType, "2-n"
    [InlineData(0x0008, 0x0008, 5, true)]
    [InlineData(0x0028, 0x6102, 4, true)] // ApplicableFrameRange, "2-2n"
    [InlineData(0x0028, 0x6102, 3, false)]
    [InlineData(0x0008, 0x1162, 6, true)] // CalculatedFrameList, "3-3n"
    [InlineData(0x0008, 0x1162, 4, false)]
    [InlineData(0x0004, 0x1141, 8, true)] // FileSetDescriptorFileID, "1-8"
    [InlineData(0x0004, 0x1141, 9, false)]
    public void Allows_counts_the_multiplicity_permits(int group, int element, int count, bool allowed) =>
        Assert.Equal(allowed, DicomDictionary.Lookup(new DicomTag((ushort)group, (ushort)element))!.VM.Allows(count));

    [Fact]
    public void Constructor_rejects_a_zero_step() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DicomValueMultiplicity(1, 2, 0, "1-2"));
}
