namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>Known answers from PS3.6 (registry of data elements) and PS3.5 (encoding rules).</summary>
public class DicomDictionaryTests
{
    [Theory]
    [InlineData(0x0010, 0x0010, "PatientName", "PN", "1")]
    [InlineData(0x0008, 0x0005, "SpecificCharacterSet", "CS", "1-n")]
    [InlineData(0x0008, 0x0008, "ImageType", "CS", "2-n")]
    [InlineData(0x0002, 0x0010, "TransferSyntaxUID", "UI", "1")]
    [InlineData(0x0028, 0x0010, "Rows", "US", "1")]
    [InlineData(0x0020, 0x0032, "ImagePositionPatient", "DS", "3")]
    [InlineData(0x0018, 0x1310, "AcquisitionMatrix", "US", "4")]
    [InlineData(0x0040, 0xA730, "ContentSequence", "SQ", "1")]
    [InlineData(0x0028, 0x6102, "ApplicableFrameRange", "US", "2-2n")]
    [InlineData(0x0008, 0x1162, "CalculatedFrameList", "UL", "3-3n")]
    public void Standard_elements_have_the_keyword_VR_and_VM_of_PS3_6(int group, int element, string keyword, string vr, string vm)
    {
        var entry = DicomDictionary.Lookup(new DicomTag((ushort)group, (ushort)element));

        Assert.NotNull(entry);
        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal([vr], entry.VRs.Select(v => v.Code));
        Assert.Equal(vm, entry.VM.Text);
        Assert.False(entry.IsRetired);
        Assert.Equal(uint.MaxValue, entry.Mask);
        Assert.Null(entry.PrivateCreator);
    }

    [Fact]
    public void Specific_character_set_is_CS_one_to_many()
    {
        var entry = DicomDictionary.Lookup(DicomTags.SpecificCharacterSet)!;

        Assert.Equal(DicomVR.CS, entry.VRs.Single());
        Assert.Equal(1, entry.VM.Min);
        Assert.True(entry.VM.IsUnbounded);
        Assert.Equal(1, entry.VM.Step);
    }

    [Fact]
    public void Pixel_data_is_OB_or_OW_and_implicit_VR_reads_it_as_OW()
    {
        var entry = DicomDictionary.Lookup(new DicomTag(0x7FE0, 0x0010))!;

        Assert.Equal("PixelData", entry.Keyword);
        Assert.Equal(["OB", "OW"], entry.VRs.Select(v => v.Code).Order());
        Assert.Equal(DicomVR.OW, DicomDictionary.ImplicitVR(entry.Tag, privateCreator: null));
    }

    [Fact]
    public void Retired_elements_are_found_and_marked()
    {
        var entry = DicomDictionary.Lookup(new DicomTag(0x0008, 0x0040))!;

        Assert.Equal("DataSetType", entry.Keyword);
        Assert.True(entry.IsRetired);
        Assert.Equal(DicomVR.US, entry.VRs.Single());
    }

    [Theory]
    [InlineData(0x6000)]
    [InlineData(0x6002)]
    [InlineData(0x601E)]
    [InlineData(0x60FE)]
    public void Overlay_data_is_found_in_every_even_60xx_group(int group)
    {
        var tag = new DicomTag((ushort)group, 0x3000);

        var entry = DicomDictionary.Lookup(tag)!;

        Assert.Equal("OverlayData", entry.Keyword);
        Assert.Equal(new DicomTag(0x6000, 0x3000), entry.Tag);
        Assert.Equal(0xFF01FFFFu, entry.Mask);
        Assert.Equal("(60xx,3000)", entry.TagPattern);
        Assert.True(entry.Matches(tag));
        Assert.Equal(DicomVR.OW, DicomDictionary.ImplicitVR(tag, privateCreator: null));
    }

    [Fact]
    public void Odd_60xx_groups_are_private_not_overlays()
    {
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x6001, 0x3000)));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x6001, 0x3000), privateCreator: null));
    }

    [Theory]
    [InlineData(0x5000, 0x3000, "CurveData")]
    [InlineData(0x50FE, 0x0005, "CurveDimensions")]
    [InlineData(0x7F02, 0x0010, "VariablePixelData")]
    [InlineData(0x0020, 0x3100, "SourceImageIDs")]
    [InlineData(0x0020, 0x31FE, "SourceImageIDs")]
    public void Retired_repeating_groups_and_element_ranges_are_found(int group, int element, string keyword)
    {
        var entry = DicomDictionary.Lookup(new DicomTag((ushort)group, (ushort)element))!;

        Assert.Equal(keyword, entry.Keyword);
        Assert.True(entry.IsRetired);
        Assert.NotEqual(uint.MaxValue, entry.Mask);
    }

    [Fact]
    public void Overlay_rows_in_a_repeating_group_are_US()
    {
        Assert.Equal(DicomVR.US, DicomDictionary.ImplicitVR(new DicomTag(0x6004, 0x0010), privateCreator: null));
    }

    [Theory]
    [InlineData(0x0028, 0x0106, "US")] // Smallest Image Pixel Value: US or SS
    [InlineData(0x0028, 0x3002, "US")] // LUT Descriptor: US or SS
    [InlineData(0x0028, 0x3006, "OW")] // LUT Data: US or OW
    [InlineData(0x5400, 0x1010, "OW")] // Waveform Data: OB or OW
    [InlineData(0x0004, 0x1200, "UL")] // DICOMDIR offset ("up" in DCMTK)
    [InlineData(0x0008, 0x0000, "UL")] // group length
    [InlineData(0x0009, 0x0000, "UL")] // private group length
    [InlineData(0x0029, 0x0010, "LO")] // private creator
    [InlineData(0x0029, 0x00FF, "LO")] // private creator, last block
    [InlineData(0x0019, 0x1000, "UN")] // private element without a creator
    [InlineData(0x0011, 0x0001, "UN")] // private group, outside any block
    [InlineData(0xFFFE, 0xE000, "UN")] // Item: no VR
    [InlineData(0x0008, 0x0002, "UN")] // unknown standard-group element
    public void Implicit_VR_defaults_follow_PS3_5(int group, int element, string vr) =>
        Assert.Equal(vr, DicomDictionary.ImplicitVR(new DicomTag((ushort)group, (ushort)element), privateCreator: null).Code);

    [Fact]
    public void Multi_VR_entries_list_every_VR_the_standard_allows()
    {
        Assert.Equal(["SS", "US"], DicomDictionary.Lookup(new DicomTag(0x0028, 0x0106))!.VRs.Select(v => v.Code).Order());
        Assert.Equal(["OW", "US"], DicomDictionary.Lookup(new DicomTag(0x0028, 0x3006))!.VRs.Select(v => v.Code).Order());
        Assert.Equal(["OB", "OW"], DicomDictionary.Lookup(new DicomTag(0x6000, 0x3000))!.VRs.Select(v => v.Code).Order());
    }

    [Fact]
    public void Item_and_delimitation_tags_have_no_VR()
    {
        foreach (var tag in new[] { DicomTag.Item, DicomTag.ItemDelimitationItem, DicomTag.SequenceDelimitationItem })
        {
            var entry = DicomDictionary.Lookup(tag)!;
            Assert.Empty(entry.VRs);
        }

        Assert.Equal("Item", DicomDictionary.Lookup(DicomTag.Item)!.Keyword);
    }

    [Fact]
    public void Group_lengths_and_private_creators_are_described_by_rule()
    {
        var groupLength = DicomDictionary.Lookup(new DicomTag(0x0018, 0x0000))!;
        var privateGroupLength = DicomDictionary.Lookup(new DicomTag(0x0029, 0x0000))!;
        var creator = DicomDictionary.Lookup(new DicomTag(0x0029, 0x0010))!;

        Assert.Equal(("GenericGroupLength", DicomVR.UL), (groupLength.Keyword, groupLength.VRs.Single()));
        Assert.Equal(("PrivateGroupLength", DicomVR.UL), (privateGroupLength.Keyword, privateGroupLength.VRs.Single()));
        Assert.Equal(("PrivateCreator", DicomVR.LO), (creator.Keyword, creator.VRs.Single()));
        Assert.Equal(new DicomTag(0x0029, 0x0010), creator.Tag);
    }

    [Fact]
    public void Command_and_meta_group_lengths_keep_their_own_names()
    {
        Assert.Equal("CommandGroupLength", DicomDictionary.Lookup(new DicomTag(0x0000, 0x0000))!.Keyword);
        Assert.Equal("FileMetaInformationGroupLength", DicomDictionary.Lookup(new DicomTag(0x0002, 0x0000))!.Keyword);
    }

    [Fact]
    public void Unknown_tags_are_not_found()
    {
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0008, 0x0002)));
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0019, 0x1000)));
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0019, 0x1000), "NO SUCH CREATOR"));
    }

    [Theory]
    [InlineData("PatientName", 0x0010, 0x0010)]
    [InlineData("PixelData", 0x7FE0, 0x0010)]
    [InlineData("OverlayData", 0x6000, 0x3000)]
    [InlineData("DataSetType", 0x0008, 0x0040)]
    [InlineData("Item", 0xFFFE, 0xE000)]
    public void Keywords_give_their_tags(string keyword, int group, int element)
    {
        Assert.True(DicomDictionary.TryGetTag(keyword, out var tag));
        Assert.Equal(new DicomTag((ushort)group, (ushort)element), tag);
    }

    [Theory]
    [InlineData("patientname")]
    [InlineData("RETIRED_DataSetType")]
    [InlineData("NoSuchKeyword")]
    [InlineData("")]
    public void Unknown_or_misspelt_keywords_are_rejected(string keyword) =>
        Assert.False(DicomDictionary.TryGetTag(keyword, out _));
}
