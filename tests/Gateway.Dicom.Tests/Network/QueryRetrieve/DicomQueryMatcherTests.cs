using Gateway.Dicom.Query;
using static Gateway.Dicom.Tests.Network.QueryRetrieve.QueryData;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// Known answers for attribute matching, each taken from the text of PS3.4 C.2.2.2 (quoted or paraphrased in the
/// test name) rather than from this implementation's output.
/// </summary>
public class DicomQueryMatcherTests
{
    private static bool Matches(DicomDataset identifier, DicomDataset record, DicomQueryMatchOptions? options = null) =>
        new DicomQueryMatcher(identifier, options).Matches(record);

    private static bool Matches(DicomTag tag, DicomVR vr, string key, string? value)
    {
        var record = value is null ? new DicomDataset() : Dataset((tag, vr, value));
        return Matches(Dataset((tag, vr, key)), record);
    }

    [Theory]
    [InlineData("SMITH^JOHN")]
    [InlineData("")]
    [InlineData(null)]
    public void Universal_matching_a_zero_length_key_matches_every_entity_also_one_without_the_attribute(string? value) =>
        Assert.True(Matches(DicomTags.PatientName, DicomVR.PN, string.Empty, value));

    [Theory]
    [InlineData("*", null)]
    [InlineData("*", "")]
    [InlineData("**", "ANYTHING")]
    public void Wild_card_matching_on_a_value_of_star_is_equivalent_to_universal_matching(string key, string? value) =>
        Assert.True(Matches(DicomTags.PatientID, DicomVR.LO, key, value));

    [Theory]
    [InlineData("CT", "CT", true)]
    [InlineData("CT", "ct", false)]
    [InlineData("CT", "CTX", false)]
    [InlineData("CT", "", false)]
    [InlineData("CT", null, false)]
    public void Single_value_matching_of_CS_is_exact_and_case_sensitive(string key, string? value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.Modality, DicomVR.CS, key, value));

    [Theory]
    [InlineData("abc123", "abc123", true)]
    [InlineData("abc123", "ABC123", false)]
    [InlineData("abc", "abc123", false)]
    public void Single_value_matching_of_LO_is_exact_and_case_sensitive(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.PatientID, DicomVR.LO, key, value));

    [Fact]
    public void Single_value_matching_of_PN_may_ignore_case_and_does_by_default()
    {
        var identifier = Dataset((DicomTags.PatientName, DicomVR.PN, "smith^john"));
        var record = Dataset((DicomTags.PatientName, DicomVR.PN, "SMITH^JOHN"));
        Assert.True(Matches(identifier, record));
        Assert.False(Matches(identifier, record, new DicomQueryMatchOptions { CaseInsensitivePersonNames = false }));
    }

    [Fact]
    public void Person_names_that_differ_only_by_empty_trailing_components_are_the_same_name() =>
        Assert.True(Matches(DicomTags.PatientName, DicomVR.PN, "SMITH^JOHN", "SMITH^JOHN^^^"));

    [Theory]
    [InlineData("1.2.840.10008.1", "1.2.840.10008.1", true)]
    [InlineData("1.2.840.10008.1", "1.2.840.10008.11", false)]
    [InlineData("1.2.840.*", "1.2.840.10008.1", false)]
    public void Single_value_matching_of_UI_is_exact_and_stars_are_not_wild_cards_for_UI(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.StudyInstanceUID, DicomVR.UI, key, value));

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("1.2.4", true)]
    [InlineData("1.2.5", false)]
    [InlineData("1.2", false)]
    public void List_of_UID_matching_matches_an_entity_whose_UID_is_any_of_the_list(string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.SOPInstanceUID, DicomVR.UI, @"1.2.3\1.2.4", value));

    [Fact]
    public void A_list_of_UIDs_is_list_of_UID_matching()
    {
        var matcher = new DicomQueryMatcher(Dataset((DicomTags.SOPInstanceUID, DicomVR.UI, @"1.2.3\1.2.4")));
        Assert.Equal(DicomMatchKind.ListOfUid, Assert.Single(matcher.Keys).Kind);
        Assert.Equal(["1.2.3", "1.2.4"], matcher.Keys[0].Values);
    }

    [Theory]
    [InlineData("SM?TH*", "SMITH^JOHN", true)]
    [InlineData("SM?TH*", "SMYTHE", true)]
    [InlineData("SM?TH*", "SMTH", false)]
    [InlineData("A*Z", "AZ", true)]
    [InlineData("A*Z", "ABCZ", true)]
    [InlineData("A*Z", "ABZC", false)]
    [InlineData("*JOHN", "SMITH^JOHN", true)]
    [InlineData("?", "", false)]
    [InlineData("??", "A", false)]
    public void Wild_card_star_matches_any_run_of_characters_and_question_mark_exactly_one(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.PatientName, DicomVR.PN, key, value));

    [Theory]
    [InlineData("C?", "CT", true)]
    [InlineData("C?", "ct", false)]
    [InlineData("M*", "MR", true)]
    public void Wild_card_matching_applies_to_CS_and_is_case_sensitive_there(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.Modality, DicomVR.CS, key, value));

    [Theory]
    [InlineData("*contrast*", "Scan with contrast agent", true)]
    [InlineData("*contrast*", "Scan without agent", false)]
    public void Wild_card_matching_applies_to_LT(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.PatientComments, DicomVR.LT, key, value));

    [Theory]
    [InlineData("ISO_IR 100")]
    [InlineData("ISO_IR 192")]
    public void Question_mark_matches_one_character_not_one_byte(string characterSet)
    {
        // In UTF-8 "é" and "ô" are two bytes each; in ISO 8859-1 one each. Either way "?" stands for one letter.
        var record = Dataset((DicomTags.SpecificCharacterSet, DicomVR.CS, characterSet), (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"));
        Assert.True(Matches(Dataset((DicomTags.PatientName, DicomVR.PN, "Buc^J?r?me")), record));
        Assert.False(Matches(Dataset((DicomTags.PatientName, DicomVR.PN, "Buc^J??r??me")), record));
    }

    [Fact]
    public void Specific_character_set_is_never_matched_values_are_compared_as_text()
    {
        var identifier = Dataset((DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"), (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"));
        var record = Dataset((DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100"), (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"));
        Assert.True(Matches(identifier, record));
    }

    [Theory]
    [InlineData("20000101-", "20000101", true)]
    [InlineData("20000101-", "20091203", true)]
    [InlineData("20000101-", "19991231", false)]
    [InlineData("-20201231", "19001231", true)]
    [InlineData("-20201231", "20201231", true)]
    [InlineData("-20201231", "20210101", false)]
    [InlineData("20090101-20091231", "20090101", true)]
    [InlineData("20090101-20091231", "20091231", true)]
    [InlineData("20090101-20091231", "20100101", false)]
    [InlineData("20090101-20091231", "20081231", false)]
    [InlineData("20091203", "20091203", true)]
    [InlineData("20091203", "20091204", false)]
    public void Range_matching_of_DA_includes_both_bounds(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.StudyDate, DicomVR.DA, key, value));

    [Theory]
    [InlineData("1000-1100", "100000", true)]
    [InlineData("1000-1100", "103000.5", true)]
    [InlineData("1000-1100", "095959", false)]
    [InlineData("1000-1100", "110100", false)]
    [InlineData("-1035", "000000", true)]
    [InlineData("-1035", "1035", true)]
    [InlineData("-1035", "1036", false)]
    [InlineData("1035-", "235959", true)]
    [InlineData("1035-", "1034", false)]
    public void Range_matching_of_TM_prior_and_subsequent_times_within_the_day(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.StudyTime, DicomVR.TM, key, value));

    [Theory]
    [InlineData("20200101120000-20200101130000", "20200101123000", true)]
    [InlineData("20200101120000-20200101130000", "20200101133000+0100", true)]
    [InlineData("20200101120000-20200101130000", "20200101123000-0200", false)]
    [InlineData("20200101-", "20191231235959", false)]
    [InlineData("-2019", "20191231235959", true)]
    public void Range_matching_of_DT_takes_the_offset_from_UTC_into_account(string key, string value, bool expected) =>
        Assert.Equal(expected, Matches(DicomTags.AcquisitionDateTime, DicomVR.DT, key, value));

    [Fact]
    public void A_DT_with_a_negative_offset_is_one_value_not_a_range()
    {
        var key = Assert.Single(new DicomQueryMatcher(Dataset((DicomTags.AcquisitionDateTime, DicomVR.DT, "20200101120000-0500"))).Keys);
        Assert.Equal(DicomMatchKind.SingleValue, key.Kind);
        Assert.True(key.Matches(Dataset((DicomTags.AcquisitionDateTime, DicomVR.DT, "20200101170000+0000"))));
    }

    [Theory]
    [InlineData("20201231-20200101")]
    [InlineData("2020AB01-")]
    [InlineData("-")]
    [InlineData("20200101-20200102-20200103")]
    public void A_date_key_that_is_neither_a_date_nor_a_range_of_dates_is_refused(string key) =>
        Assert.Throws<DicomQueryException>(() => new DicomQueryMatcher(Dataset((DicomTags.StudyDate, DicomVR.DA, key))));

    [Fact]
    public void A_multi_valued_attribute_matches_when_any_value_matches_and_all_values_are_returned()
    {
        var identifier = Dataset((DicomTags.ModalitiesInStudy, DicomVR.CS, "MR"));
        var record = Dataset((DicomTags.ModalitiesInStudy, DicomVR.CS, @"CT\MR"));
        var matcher = new DicomQueryMatcher(identifier);
        Assert.True(matcher.Matches(record));
        Assert.Equal(["CT", "MR"], matcher.BuildResponse(record).GetStrings(DicomTags.ModalitiesInStudy));
        Assert.False(matcher.Matches(Dataset((DicomTags.ModalitiesInStudy, DicomVR.CS, @"CT\PT"))));
    }

    [Fact]
    public void A_key_with_several_values_matches_an_entity_that_has_any_of_them()
    {
        var identifier = Dataset((DicomTags.Modality, DicomVR.CS, @"CT\PT"));
        Assert.True(Matches(identifier, Dataset((DicomTags.Modality, DicomVR.CS, "PT"))));
        Assert.False(Matches(identifier, Dataset((DicomTags.Modality, DicomVR.CS, "MR"))));
    }

    [Fact]
    public void Sequence_matching_succeeds_when_one_item_matches_all_item_keys_and_returns_only_matching_items_with_the_requested_attributes()
    {
        var identifier = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence,
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P1"), (DicomTags.CodingSchemeDesignator, DicomVR.SH, string.Empty)));
        var record = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence,
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P0"), (DicomTags.CodingSchemeDesignator, DicomVR.SH, "99X"), (DicomTags.CodeMeaning, DicomVR.LO, "zero")),
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P1"), (DicomTags.CodingSchemeDesignator, DicomVR.SH, "99X"), (DicomTags.CodeMeaning, DicomVR.LO, "one")));
        var matcher = new DicomQueryMatcher(identifier);
        Assert.Equal(DicomMatchKind.Sequence, Assert.Single(matcher.Keys).Kind);
        Assert.True(matcher.Matches(record));

        var item = Assert.Single(matcher.BuildResponse(record).GetSequence(DicomTags.ProcedureCodeSequence)!.Items);
        Assert.Equal("P1", item.GetString(DicomTags.CodeValue));
        Assert.Equal("99X", item.GetString(DicomTags.CodingSchemeDesignator));
        Assert.False(item.Contains(DicomTags.CodeMeaning));

        var other = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence, Dataset((DicomTags.CodeValue, DicomVR.SH, "P2")));
        Assert.False(matcher.Matches(other));
        Assert.False(matcher.Matches(new DicomDataset()));
    }

    [Fact]
    public void Sequence_matching_applies_the_other_kinds_of_matching_to_item_keys()
    {
        var identifier = WithSequence(new DicomDataset(), DicomTags.ReferencedStudySequence,
            Dataset((DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, @"1.2.3\1.2.4")));
        var record = WithSequence(new DicomDataset(), DicomTags.ReferencedStudySequence, Dataset((DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, "1.2.4")));
        Assert.True(Matches(identifier, record));
    }

    [Fact]
    public void A_sequence_key_without_item_keys_matches_every_entity_and_returns_the_entire_sequence()
    {
        var identifier = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence, new DicomDataset());
        var record = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence,
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P0"), (DicomTags.CodeMeaning, DicomVR.LO, "zero")),
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P1")));
        var matcher = new DicomQueryMatcher(identifier);
        Assert.True(matcher.Matches(new DicomDataset()));
        var items = matcher.BuildResponse(record).GetSequence(DicomTags.ProcedureCodeSequence)!.Items;
        Assert.Equal(2, items.Count);
        Assert.Equal("zero", items[0].GetString(DicomTags.CodeMeaning));
    }

    [Fact]
    public void A_sequence_key_whose_item_keys_are_all_universal_returns_the_items_with_those_attributes_only()
    {
        var identifier = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence, Dataset((DicomTags.CodeValue, DicomVR.SH, string.Empty)));
        var record = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence,
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P0"), (DicomTags.CodeMeaning, DicomVR.LO, "zero")));
        var matcher = new DicomQueryMatcher(identifier);
        Assert.True(matcher.Matches(new DicomDataset()));
        var item = Assert.Single(matcher.BuildResponse(record).GetSequence(DicomTags.ProcedureCodeSequence)!.Items);
        Assert.Equal("P0", item.GetString(DicomTags.CodeValue));
        Assert.Equal(1, item.Count);
    }

    [Fact]
    public void A_sequence_key_with_more_than_one_item_is_refused()
    {
        var identifier = WithSequence(new DicomDataset(), DicomTags.ProcedureCodeSequence,
            Dataset((DicomTags.CodeValue, DicomVR.SH, "P0")), Dataset((DicomTags.CodeValue, DicomVR.SH, "P1")));
        Assert.Throws<DicomQueryException>(() => new DicomQueryMatcher(identifier));
    }

    [Fact]
    public void The_response_holds_every_key_with_the_entity_value_or_empty_and_nothing_else()
    {
        var identifier = Dataset(
            (DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY"),
            (DicomTags.PatientName, DicomVR.PN, string.Empty),
            (DicomTags.StudyDate, DicomVR.DA, "20000101-"),
            (DicomTags.AccessionNumber, DicomVR.SH, string.Empty));
        var record = Dataset(
            (DicomTags.PatientName, DicomVR.PN, "DOE^JANE"),
            (DicomTags.PatientID, DicomVR.LO, "P1"),
            (DicomTags.StudyDate, DicomVR.DA, "20091203"));
        var response = new DicomQueryMatcher(identifier).BuildResponse(record);

        Assert.Equal("STUDY", response.GetString(DicomTags.QueryRetrieveLevel));
        Assert.Equal("DOE^JANE", response.GetString(DicomTags.PatientName));
        Assert.Equal("20091203", response.GetString(DicomTags.StudyDate));
        var accession = Assert.IsType<DicomValueElement>(response[DicomTags.AccessionNumber]);
        Assert.Equal(0, accession.Length);
        Assert.Equal(DicomVR.SH, accession.VR);
        Assert.False(response.Contains(DicomTags.PatientID));
        Assert.Equal(4, response.Count);
    }

    [Fact]
    public void The_response_carries_the_entity_character_set_so_its_values_read_back_unchanged()
    {
        var identifier = Dataset((DicomTags.PatientName, DicomVR.PN, "Buc*"));
        var record = Dataset((DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100"), (DicomTags.PatientName, DicomVR.PN, "Buc^Jérôme"));
        var response = new DicomQueryMatcher(identifier).BuildResponse(record);
        Assert.Equal("ISO_IR 100", response.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Buc^Jérôme", response.GetString(DicomTags.PatientName));
        // Copied as encoded: ten bytes in ISO 8859-1, where UTF-8 would have needed twelve.
        Assert.Equal(10, ((DicomValueElement)response[DicomTags.PatientName]!).Length);
    }

    [Fact]
    public void Keys_report_their_kind_of_matching()
    {
        var identifier = Dataset(
            (DicomTags.PatientName, DicomVR.PN, "A*"),
            (DicomTags.PatientID, DicomVR.LO, "X"),
            (DicomTags.StudyDate, DicomVR.DA, "-20201231"),
            (DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty));
        var kinds = new DicomQueryMatcher(identifier).Keys.ToDictionary(key => key.Tag, key => key.Kind);
        Assert.Equal(DicomMatchKind.WildCard, kinds[DicomTags.PatientName]);
        Assert.Equal(DicomMatchKind.SingleValue, kinds[DicomTags.PatientID]);
        Assert.Equal(DicomMatchKind.Range, kinds[DicomTags.StudyDate]);
        Assert.Equal(DicomMatchKind.Universal, kinds[DicomTags.StudyInstanceUID]);
    }

    [Fact]
    public void Numeric_values_match_by_value()
    {
        var identifier = new DicomDataset();
        identifier.SetValues(DicomTags.Rows, DicomVR.US, (ushort)512);
        var record = new DicomDataset();
        record.SetValues(DicomTags.Rows, DicomVR.US, (ushort)512);
        Assert.True(Matches(identifier, record));
        record.SetValues(DicomTags.Rows, DicomVR.US, (ushort)256);
        Assert.False(Matches(identifier, record));
    }
}
