using System.Buffers.Binary;
using System.Text;
using Gateway.Dicom.Json;
using static Gateway.Dicom.Tests.Json.JsonTestSupport;

namespace Gateway.Dicom.Tests.Json;

/// <summary>Known answers for DicomJsonWriter, from the PS3.18 F.2 examples and rules.</summary>
public class DicomJsonWriterTests
{
    [Fact]
    public void The_PS3_18_F_2_1_1_2_example_data_set_is_written_as_the_standard_prints_it() =>
        AssertJsonEqual(Ps318Example.Json, Write(Ps318Example.Dataset()));

    [Fact]
    public void A_person_name_with_three_component_groups_becomes_Alphabetic_Ideographic_and_Phonetic()
    {
        // PS3.5 H.3.1's name, UTF-8 encoded (ISO_IR 192).
        var dataset = new DicomDataset
        {
            TextElement(0x00080005, DicomVR.CS, "ISO_IR 192"),
            TextElement(0x00100010, DicomVR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", Encoding.UTF8),
        };

        AssertJsonEqual(
            """
            {
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう" } ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Person_names_keep_only_their_non_empty_groups_and_an_empty_name_among_several_is_null()
    {
        var dataset = new DicomDataset { TextElement(0x00081070, DicomVR.PN, "=Ideo^Only\\\\Doe^John==Phon ") };

        AssertJsonEqual(
            """{ "00081070": { "vr": "PN", "Value": [ { "Ideographic": "Ideo^Only" }, null, { "Alphabetic": "Doe^John", "Phonetic": "Phon" } ] } }""",
            Write(dataset));
    }

    [Fact]
    public void Latin1_text_is_decoded_with_the_specific_character_set_and_items_inherit_it()
    {
        var latin1 = Encoding.Latin1;
        var dataset = new DicomDataset
        {
            TextElement(0x00080005, DicomVR.CS, "ISO_IR 100"),
            TextElement(0x00100010, DicomVR.PN, "Müller^Jürgen", latin1),
            new DicomSequence(new DicomTag(0x0040, 0x0275), [new DicomDataset { TextElement(0x00400007, DicomVR.LO, "Kniegelenk rechts, Außenband", latin1) }]),
        };

        AssertJsonEqual(
            """
            {
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 100" ] },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Müller^Jürgen" } ] },
              "00400275": { "vr": "SQ", "Value": [ { "00400007": { "vr": "LO", "Value": [ "Kniegelenk rechts, Außenband" ] } } ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Empty_attributes_have_only_their_vr_and_empty_values_among_several_are_null()
    {
        // PS3.18 F.2.5.
        var dataset = new DicomDataset
        {
            TextElement(0x00080050, DicomVR.SH, string.Empty),
            TextElement(0x00080060, DicomVR.CS, "  "),
            TextElement(0x00080061, DicomVR.CS, "CT\\\\MR"),
            TextElement(0x00100010, DicomVR.PN, string.Empty),
            Bytes(0x00280010, DicomVR.US),
            new DicomSequence(new DicomTag(0x0008, 0x1110)),
            new DicomSequence(new DicomTag(0x0008, 0x1115), [new DicomDataset()]),
            Bytes(0x7FE00010, DicomVR.OW),
        };

        AssertJsonEqual(
            """
            {
              "00080050": { "vr": "SH" },
              "00080060": { "vr": "CS" },
              "00080061": { "vr": "CS", "Value": [ "CT", null, "MR" ] },
              "00081110": { "vr": "SQ" },
              "00081115": { "vr": "SQ", "Value": [ {} ] },
              "00100010": { "vr": "PN" },
              "00280010": { "vr": "US" },
              "7FE00010": { "vr": "OW" }
            }
            """,
            Write(dataset));
    }

    [Theory]
    [InlineData("1.50", "1.50")]
    [InlineData("-0", "-0")]
    [InlineData("1e3", "1e3")]
    [InlineData("6.0221E+23 ", "6.0221E+23")]
    [InlineData(" +5", "5")]
    [InlineData(".5", "0.5")]
    [InlineData("-.25", "-0.25")]
    [InlineData("5.", "5")]
    [InlineData("007.10", "7.10")]
    [InlineData("-00", "-0")]
    [InlineData("1.E-3", "1E-3")]
    [InlineData("0.1234567890123", "0.1234567890123")]
    public void Decimal_strings_are_JSON_numbers_with_their_own_digits(string decimalString, string expectedNumber)
    {
        var dataset = new DicomDataset { TextElement(0x00280030, DicomVR.DS, decimalString) };

        AssertJsonEqual($$"""{ "00280030": { "vr": "DS", "Value": [ {{expectedNumber}} ] } }""", Write(dataset));
    }

    [Fact]
    public void Integer_strings_are_JSON_numbers_and_text_that_is_no_number_stays_a_string()
    {
        var dataset = new DicomDataset
        {
            TextElement(0x00200013, DicomVR.IS, " 0042\\-7\\+3 "),
            TextElement(0x00281050, DicomVR.DS, "40\\abc\\1.2.3"),
        };

        AssertJsonEqual(
            """
            {
              "00200013": { "vr": "IS", "Value": [ 42, -7, 3 ] },
              "00281050": { "vr": "DS", "Value": [ 40, "abc", "1.2.3" ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Binary_numbers_are_JSON_numbers_at_their_extremes()
    {
        var dataset = new DicomDataset();
        dataset.SetValues(new DicomTag(0x0018, 0x9219), DicomVR.SS, short.MinValue, short.MaxValue);
        dataset.SetValues(new DicomTag(0x0028, 0x0010), DicomVR.US, ushort.MaxValue);
        dataset.SetValues(new DicomTag(0x0018, 0x6020), DicomVR.SL, int.MinValue);
        dataset.SetValues(new DicomTag(0x0018, 0x6016), DicomVR.UL, uint.MaxValue);
        dataset.SetValues(new DicomTag(0x0072, 0x0082), DicomVR.SV, long.MinValue);
        dataset.SetValues(new DicomTag(0x0072, 0x0083), DicomVR.UV, ulong.MaxValue);

        AssertJsonEqual(
            """
            {
              "00186016": { "vr": "UL", "Value": [ 4294967295 ] },
              "00186020": { "vr": "SL", "Value": [ -2147483648 ] },
              "00189219": { "vr": "SS", "Value": [ -32768, 32767 ] },
              "00280010": { "vr": "US", "Value": [ 65535 ] },
              "00720082": { "vr": "SV", "Value": [ -9223372036854775808 ] },
              "00720083": { "vr": "UV", "Value": [ 18446744073709551615 ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Floats_are_the_shortest_numbers_that_read_back_exactly_and_non_finite_ones_are_named()
    {
        var dataset = new DicomDataset();
        dataset.SetValues(new DicomTag(0x0018, 0x9087), DicomVR.FD, 1.0 / 3.0, -2.5e-300, double.PositiveInfinity);
        dataset.SetValues(new DicomTag(0x0018, 0x9089), DicomVR.FL, 0.1f, float.NaN, float.NegativeInfinity, 16777216f);

        AssertJsonEqual(
            """
            {
              "00189087": { "vr": "FD", "Value": [ 0.3333333333333333, -2.5E-300, "Infinity" ] },
              "00189089": { "vr": "FL", "Value": [ 0.1, "NaN", "-Infinity", 16777216 ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Attribute_tags_are_eight_uppercase_hex_digit_strings()
    {
        var at = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(at, 0x0018);
        BinaryPrimitives.WriteUInt16LittleEndian(at.AsSpan(2), 0x1063);
        BinaryPrimitives.WriteUInt16LittleEndian(at.AsSpan(4), 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(at.AsSpan(6), 0x00AB);

        AssertJsonEqual(
            """{ "00280009": { "vr": "AT", "Value": [ "00181063", "7FE000AB" ] } }""",
            Write(new DicomDataset { Bytes(0x00280009, DicomVR.AT, at) }));
    }

    [Fact]
    public void Binary_values_are_base64_InlineBinary_of_their_little_endian_bytes()
    {
        var dataset = new DicomDataset
        {
            Bytes(0x00091010, DicomVR.OB, 1, 2, 3),
            Bytes(0x00283006, DicomVR.OW, 0x34, 0x12, 0xFF, 0xFF),
            Bytes(0x00660040, DicomVR.OL, 1, 0, 0, 0),
        };

        AssertJsonEqual(
            """
            {
              "00091010": { "vr": "OB", "InlineBinary": "AQID" },
              "00283006": { "vr": "OW", "InlineBinary": "NBL//w==" },
              "00660040": { "vr": "OL", "InlineBinary": "AQAAAA==" }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Values_over_the_threshold_become_BulkDataURIs_named_by_their_path()
    {
        var item = new DicomDataset { Bytes(0x00283006, DicomVR.OW, 1, 2, 3, 4, 5, 6) };
        var dataset = new DicomDataset
        {
            new DicomSequence(new DicomTag(0x0028, 0x3010), [new DicomDataset(), item]),
            Bytes(0x00291010, DicomVR.OB, 1, 2),
            TextElement(0x00324000, DicomVR.LT, "a long comment"),
            Bytes(0x7FE00010, DicomVR.OW, 0, 0, 0, 0),
        };
        var paths = new List<string>();
        var policy = new DicomBulkDataPolicy(
            (path, element) =>
            {
                paths.Add(path.ToString());
                return element.VR == DicomVR.LT ? null : "https://pacs.example/bulk/" + path;
            },
            thresholdBytes: 2);

        var json = Write(dataset, new DicomJsonWriterOptions { BulkData = policy });

        AssertJsonEqual(
            """
            {
              "00283010": { "vr": "SQ", "Value": [ {}, { "00283006": { "vr": "OW", "BulkDataURI": "https://pacs.example/bulk/00283010/1/00283006" } } ] },
              "00291010": { "vr": "OB", "InlineBinary": "AQI=" },
              "00324000": { "vr": "LT", "Value": [ "a long comment" ] },
              "7FE00010": { "vr": "OW", "BulkDataURI": "https://pacs.example/bulk/7FE00010" }
            }
            """,
            json);
        Assert.Equal(["00283010/1/00283006", "00324000", "7FE00010"], paths);
    }

    [Fact]
    public void Encapsulated_pixel_data_is_a_BulkDataURI_when_the_policy_gives_one()
    {
        var dataset = new DicomDataset { new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, [new byte[] { 0xFF, 0xD8 }]) };
        var policy = new DicomBulkDataPolicy((path, _) => "frames/" + path, thresholdBytes: 1 << 20);

        AssertJsonEqual(
            """{ "7FE00010": { "vr": "OB", "BulkDataURI": "frames/7FE00010" } }""",
            Write(dataset, new DicomJsonWriterOptions { BulkData = policy }));
    }

    [Fact]
    public void Encapsulated_pixel_data_without_a_URI_is_InlineBinary_of_its_item_encoded_value_field()
    {
        // Empty offset table item, then fragments of 3 (padded to 4) and 2 bytes; no sequence delimiter.
        byte[] expected =
        [
            0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0,
            0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xFF, 0xD8, 0xFF, 0x00,
            0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xFF, 0xD9,
        ];
        var dataset = new DicomDataset
        {
            new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, [new byte[] { 0xFF, 0xD8, 0xFF }, new byte[] { 0xFF, 0xD9 }]),
        };

        AssertJsonEqual(
            $$"""{ "7FE00010": { "vr": "OB", "InlineBinary": "{{Convert.ToBase64String(expected)}}" } }""",
            Write(dataset));
    }

    [Fact]
    public void Group_lengths_are_never_written_and_group_0002_only_when_asked()
    {
        var dataset = new DicomDataset
        {
            Bytes(0x00080000, DicomVR.UL, 8, 0, 0, 0),
            TextElement(0x00080060, DicomVR.CS, "CT"),
        };
        var meta = new DicomDataset
        {
            Bytes(0x00020000, DicomVR.UL, 30, 0, 0, 0),
            TextElement(0x00020010, DicomVR.UI, "1.2.840.10008.1.2.1"),
        };
        var file = new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian, meta);

        AssertJsonEqual("""{ "00080060": { "vr": "CS", "Value": [ "CT" ] } }""", Write(dataset));
        AssertJsonEqual("""{ "00080060": { "vr": "CS", "Value": [ "CT" ] } }""", Serialize(file, DicomJsonWriterOptions.Default));
        AssertJsonEqual(
            """
            {
              "00020010": { "vr": "UI", "Value": [ "1.2.840.10008.1.2.1" ] },
              "00080060": { "vr": "CS", "Value": [ "CT" ] }
            }
            """,
            Serialize(file, new DicomJsonWriterOptions { IncludeFileMetaInformation = true }));
    }

    [Fact]
    public void Private_creators_and_private_elements_are_kept_in_tag_order()
    {
        var dataset = new DicomDataset
        {
            TextElement(0x00291010, DicomVR.SH, "private value"),
            TextElement(0x00290010, DicomVR.LO, "ACME 1.0"),
            TextElement(0x00100020, DicomVR.LO, "ID1"),
            TextElement(0x0029100A, DicomVR.DS, "2.5"),
        };

        AssertJsonEqual(
            """
            {
              "00100020": { "vr": "LO", "Value": [ "ID1" ] },
              "00290010": { "vr": "LO", "Value": [ "ACME 1.0" ] },
              "0029100A": { "vr": "DS", "Value": [ 2.5 ] },
              "00291010": { "vr": "SH", "Value": [ "private value" ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void Text_keeps_significant_spaces_and_drops_padding()
    {
        var dataset = new DicomDataset
        {
            TextElement(0x00080070, DicomVR.LO, "  ACME Medical  "),
            TextElement(0x00081030, DicomVR.LO, "Head\\ Neck "),
            TextElement(0x00204000, DicomVR.LT, "  indented text\r\nsecond line  "),
            TextElement(0x00080018, DicomVR.UI, "1.2.3"),
            TextElement(0x00400254, DicomVR.UC, " leading kept"),
        };

        AssertJsonEqual(
            """
            {
              "00080018": { "vr": "UI", "Value": [ "1.2.3" ] },
              "00080070": { "vr": "LO", "Value": [ "ACME Medical" ] },
              "00081030": { "vr": "LO", "Value": [ "Head", "Neck" ] },
              "00204000": { "vr": "LT", "Value": [ "  indented text\r\nsecond line" ] },
              "00400254": { "vr": "UC", "Value": [ " leading kept" ] }
            }
            """,
            Write(dataset));
    }

    [Fact]
    public void An_array_of_data_sets_is_a_JSON_array_of_objects()
    {
        var first = new DicomDataset { TextElement(0x0020000D, DicomVR.UI, "1.2.3") };
        var second = new DicomDataset { TextElement(0x0020000D, DicomVR.UI, "1.2.4") };

        AssertJsonEqual(
            """[ { "0020000D": { "vr": "UI", "Value": [ "1.2.3" ] } }, { "0020000D": { "vr": "UI", "Value": [ "1.2.4" ] } } ]""",
            DicomJsonWriter.SerializeArray([first, second]));
    }

    [Fact]
    public async Task Streaming_an_array_gives_the_same_JSON_as_writing_it_at_once()
    {
        var datasets = Enumerable.Range(0, 500).Select(i => new DicomDataset { TextElement(0x00080018, DicomVR.UI, $"1.2.3.{i}"), TextElement(0x00100010, DicomVR.PN, "Doe^John") }).ToList();
        using var stream = new MemoryStream();

        await DicomJsonWriter.WriteArrayAsync(stream, datasets.ToAsyncEnumerable(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(DicomJsonWriter.SerializeArray(datasets), Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Indented_output_holds_the_same_JSON()
    {
        var dataset = Ps318Example.Dataset();

        var indented = Write(dataset, new DicomJsonWriterOptions { WriteIndented = true });

        Assert.Contains('\n', indented);
        AssertJsonEqual(Write(dataset), indented);
    }

    private static string Serialize(DicomFile file, DicomJsonWriterOptions options)
    {
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
        {
            DicomJsonWriter.Write(writer, file, options);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
