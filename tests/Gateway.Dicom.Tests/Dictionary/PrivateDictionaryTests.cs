namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>
/// Private elements (PS3.5 section 7.8.1): element (gggg,bbee) belongs to the creator in (gggg,00bb).
/// Known answers from Siemens' published CSA header layout and from DCMTK's private.dic.
/// </summary>
public class PrivateDictionaryTests
{
    [Theory]
    [InlineData(0x1008, "CS", "CSAImageHeaderType")]
    [InlineData(0x1010, "OB", "CSAImageHeaderInfo")]
    [InlineData(0x1108, "CS", "CSAImageHeaderType")] // same element in block 11
    [InlineData(0x1F20, "OB", "CSASeriesHeaderInfo")] // and in block 1F
    public void Siemens_CSA_header_elements_resolve_in_whatever_block_the_creator_reserved(int element, string vr, string keyword)
    {
        var tag = new DicomTag(0x0029, (ushort)element);

        var entry = DicomDictionary.Lookup(tag, "SIEMENS CSA HEADER")!;

        Assert.Equal(keyword, entry.Keyword);
        Assert.Equal(vr, entry.VRs.Single().Code);
        Assert.Equal("SIEMENS CSA HEADER", entry.PrivateCreator);
        Assert.True(entry.Matches(tag));
        Assert.Equal(vr, DicomDictionary.ImplicitVR(tag, "SIEMENS CSA HEADER").Code);
    }

    [Fact]
    public void Private_entry_is_written_in_block_10_with_the_block_masked()
    {
        var entry = DicomDictionary.Lookup(new DicomTag(0x0029, 0x1208), "SIEMENS CSA HEADER")!;

        Assert.Equal(new DicomTag(0x0029, 0x1008), entry.Tag);
        Assert.Equal(0xFFFF00FFu, entry.Mask);
        Assert.Equal("(0029,xx08)", entry.TagPattern);
    }

    [Theory]
    [InlineData("SIEMENS CSA HEADER ")] // LO padding, as read from the file
    [InlineData(" SIEMENS CSA HEADER")]
    [InlineData("SIEMENS CSA HEADER\0")]
    public void Creator_padding_is_ignored(string creator) =>
        Assert.Equal("CSAImageHeaderType", DicomDictionary.Lookup(new DicomTag(0x0029, 0x1008), creator)?.Keyword);

    [Fact]
    public void Creator_match_is_case_sensitive_as_in_DCMTK() =>
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0029, 0x1008), "siemens csa header"));

    [Fact]
    public void Element_of_another_group_is_not_taken_from_the_creator()
    {
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0031, 0x1008), "SIEMENS CSA HEADER"));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0031, 0x1008), "SIEMENS CSA HEADER"));
    }

    [Fact]
    public void Unknown_private_element_is_UN()
    {
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0019, 0x1000), "NOBODY'S CREATOR"));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0019, 0x1000), "NOBODY'S CREATOR"));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0019, 0x1000), privateCreator: null));
    }

    [Fact]
    public void Element_fixed_to_one_number_matches_only_that_number()
    {
        // private.dic: (0025,"CMR42 CIRCLECVI",1010) LO WorkspaceID, a four-digit element: block 10 only.
        Assert.Equal("WorkspaceID", DicomDictionary.Lookup(new DicomTag(0x0025, 0x1010), "CMR42 CIRCLECVI")?.Keyword);
        Assert.Null(DicomDictionary.Lookup(new DicomTag(0x0025, 0x1110), "CMR42 CIRCLECVI"));
    }

    [Theory]
    [InlineData(0x6001)]
    [InlineData(0x6003)]
    [InlineData(0x60FF)]
    public void Private_repeating_groups_match_every_odd_group_of_the_range(int group)
    {
        // private.dic: (6001-o-60ff,"PAPYRUS 3.0",00) IS OverlayID.
        var entry = DicomDictionary.Lookup(new DicomTag((ushort)group, 0x1000), "PAPYRUS 3.0")!;

        Assert.Equal("OverlayID", entry.Keyword);
        Assert.Equal(DicomVR.IS, entry.VRs.Single());
    }

    [Fact]
    public void Private_creator_name_does_not_apply_to_a_standard_tag() =>
        Assert.Equal("PatientName", DicomDictionary.Lookup(new DicomTag(0x0010, 0x0010), "SIEMENS CSA HEADER")?.Keyword);
}
