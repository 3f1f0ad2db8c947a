using System.Text;
using Gateway.Dicom.Json;
using static Gateway.Dicom.Tests.Json.JsonTestSupport;

namespace Gateway.Dicom.Tests.Json;

/// <summary>Known answers for DicomJsonReader: the bytes each JSON value must become.</summary>
public class DicomJsonReaderTests
{
    [Fact]
    public void The_PS3_18_F_2_1_1_2_example_reads_to_the_data_set_it_describes()
    {
        var dataset = DicomJsonReader.Read(Ps318Example.Json);

        Assert.Empty(DatasetComparer.Differences(Ps318Example.Dataset(), dataset));
    }

    [Fact]
    public void Text_is_encoded_with_the_specific_character_set_and_items_inherit_it()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Müller^Jürgen" } ] },
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 100" ] },
              "00400275": { "vr": "SQ", "Value": [ { "00400007": { "vr": "LO", "Value": [ "Außenband" ] } } ] }
            }
            """);

        Assert.Equal(Encoding.Latin1.GetBytes("Müller^Jürgen "), ValueBytes(dataset, 0x00100010));
        var item = Assert.Single(Assert.IsType<DicomSequence>(dataset[new DicomTag(0x0040, 0x0275)]).Items);
        Assert.Equal(Encoding.Latin1.GetBytes("Außenband "), ValueBytes(item, 0x00400007));
    }

    [Fact]
    public void Text_is_UTF8_when_the_character_set_is_ISO_IR_192()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう" } ] }
            }
            """);

        Assert.Equal(Encoding.UTF8.GetBytes("Yamada^Tarou=山田^太郎=やまだ^たろう"), ValueBytes(dataset, 0x00100010));
    }

    [Fact]
    public void Person_name_groups_are_joined_with_equals_signs_up_to_the_last_present_group()
    {
        var dataset = DicomJsonReader.Read(
            """{ "00081070": { "vr": "PN", "Value": [ { "Ideographic": "Ideo" }, null, { "Alphabetic": "A", "Phonetic": "P" }, "Plain^String" ] } }""");

        Assert.Equal(Encoding.ASCII.GetBytes("=Ideo\\\\A==P\\Plain^String"), ValueBytes(dataset, 0x00081070));
    }

    [Fact]
    public void Decimal_and_integer_strings_keep_the_JSON_number_text()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00200013": { "vr": "IS", "Value": [ 42, -0, 1e2, 3.000, "0012" ] },
              "00280030": { "vr": "DS", "Value": [ 1.50, -0, 6.0221E+23, "  .5 ", null, 0.30000000000000004 ] }
            }
            """);

        Assert.Equal("42\\-0\\100\\3\\0012", Encoding.ASCII.GetString(ValueBytes(dataset, 0x00200013)));
        Assert.Equal("1.50\\-0\\6.0221E+23\\.5\\\\0.3", Encoding.ASCII.GetString(ValueBytes(dataset, 0x00280030)));
    }

    [Fact]
    public void Binary_numbers_become_little_endian_values()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00189219": { "vr": "SS", "Value": [ -32768, 32767 ] },
              "00280010": { "vr": "US", "Value": [ 65535 ] },
              "00186020": { "vr": "SL", "Value": [ -2 ] },
              "00186016": { "vr": "UL", "Value": [ 4294967295 ] },
              "00720082": { "vr": "SV", "Value": [ -9223372036854775808, "9223372036854775807" ] },
              "00720083": { "vr": "UV", "Value": [ 18446744073709551615 ] },
              "00189089": { "vr": "FL", "Value": [ 0.1, "NaN" ] },
              "00189087": { "vr": "FD", "Value": [ 0.3333333333333333, "-Infinity" ] },
              "00280009": { "vr": "AT", "Value": [ "00181063", "7fe000ab" ] }
            }
            """);

        Assert.Equal(new short[] { short.MinValue, short.MaxValue }, dataset.GetValues<short>(new DicomTag(0x0018, 0x9219)));
        Assert.Equal([0xFF, 0xFF], ValueBytes(dataset, 0x00280010));
        Assert.Equal([0xFE, 0xFF, 0xFF, 0xFF], ValueBytes(dataset, 0x00186020));
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], ValueBytes(dataset, 0x00186016));
        Assert.Equal(new[] { long.MinValue, long.MaxValue }, dataset.GetValues<long>(new DicomTag(0x0072, 0x0082)));
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8), ValueBytes(dataset, 0x00720083));
        Assert.Equal(BitConverter.GetBytes(0.1f).Concat(BitConverter.GetBytes(float.NaN)), ValueBytes(dataset, 0x00189089));
        Assert.Equal(BitConverter.GetBytes(1.0 / 3.0).Concat(BitConverter.GetBytes(double.NegativeInfinity)), ValueBytes(dataset, 0x00189087));
        Assert.Equal([0x18, 0x00, 0x63, 0x10, 0xE0, 0x7F, 0xAB, 0x00], ValueBytes(dataset, 0x00280009));
    }

    [Fact]
    public void Empty_attributes_read_as_zero_length_values_and_empty_sequences()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00080050": { "vr": "SH" },
              "00080061": { "vr": "CS", "Value": [ "CT", null, "MR" ] },
              "00081110": { "vr": "SQ" },
              "00081115": { "vr": "SQ", "Value": [ {}, null ] },
              "00081120": { "vr": "SQ", "Value": [] },
              "00280010": { "vr": "US", "Value": [] }
            }
            """);

        Assert.Empty(ValueBytes(dataset, 0x00080050));
        Assert.Equal(Encoding.ASCII.GetBytes("CT\\\\MR"), ValueBytes(dataset, 0x00080061));
        Assert.Empty(Assert.IsType<DicomSequence>(dataset[new DicomTag(0x0008, 0x1110)]).Items);
        Assert.All(Assert.IsType<DicomSequence>(dataset[new DicomTag(0x0008, 0x1115)]).Items, item => Assert.Equal(0, item.Count));
        Assert.Equal(2, dataset.GetSequence(new DicomTag(0x0008, 0x1115))!.Items.Count);
        Assert.Empty(dataset.GetSequence(new DicomTag(0x0008, 0x1120))!.Items);
        Assert.Empty(ValueBytes(dataset, 0x00280010));
    }

    [Fact]
    public void InlineBinary_is_decoded_whether_given_as_a_string_or_a_one_element_array()
    {
        var dataset = DicomJsonReader.Read(
            """
            {
              "00091010": { "vr": "OB", "InlineBinary": "AQID" },
              "00283006": { "vr": "OW", "InlineBinary": [ "NBL//w==" ] }
            }
            """);

        Assert.Equal([1, 2, 3], ValueBytes(dataset, 0x00091010));
        Assert.Equal([0x34, 0x12, 0xFF, 0xFF], ValueBytes(dataset, 0x00283006));
    }

    [Fact]
    public void A_BulkDataURI_without_a_resolver_stays_a_reference_that_can_be_resolved_later()
    {
        var json = """
            {
              "00283010": { "vr": "SQ", "Value": [ { "00283006": { "vr": "OW", "BulkDataURI": "bulk/lut" } } ] },
              "7FE00010": { "vr": "OW", "BulkDataURI": "bulk/pixels" }
            }
            """;
        var dataset = DicomJsonReader.Read(json);
        var pixels = Assert.IsType<DicomBulkDataReference>(dataset[DicomTags.PixelData]);
        Assert.Equal("bulk/pixels", pixels.Uri);
        Assert.Equal(DicomVR.OW, pixels.VR);

        var resolved = DicomJsonReader.ResolveBulkData(dataset, reference => reference.Uri == "bulk/lut" ? new byte[] { 1, 0 } : new byte[] { 2, 0, 3, 0 });

        Assert.Equal(2, resolved);
        Assert.Equal([2, 0, 3, 0], ValueBytes(dataset, 0x7FE00010));
        Assert.Equal([1, 0], ValueBytes(dataset.GetSequence(new DicomTag(0x0028, 0x3010))!.Items[0], 0x00283006));
    }

    [Fact]
    public void A_BulkDataURI_is_fetched_while_reading_when_a_resolver_is_given()
    {
        var requested = new List<(DicomTag, DicomVR, string)>();
        var options = new DicomJsonReaderOptions
        {
            BulkDataResolver = reference =>
            {
                requested.Add((reference.Tag, reference.VR, reference.Uri));
                return new byte[] { 9, 8 };
            },
        };

        var dataset = DicomJsonReader.Read("""{ "00091010": { "vr": "OB", "BulkDataURI": "https://pacs.example/b/1" } }""", options);

        Assert.Equal([9, 8], ValueBytes(dataset, 0x00091010));
        Assert.Equal([(new DicomTag(0x0009, 0x1010), DicomVR.OB, "https://pacs.example/b/1")], requested);
    }

    [Fact]
    public void Inline_pixel_data_made_of_items_reads_as_fragments_and_the_transfer_syntax_decides_when_known()
    {
        byte[] items =
        [
            0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0,
            0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xFF, 0xD8, 0xFF, 0x00,
            0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xFF, 0xD9,
        ];
        var json = $$"""{ "7FE00010": { "vr": "OB", "InlineBinary": "{{Convert.ToBase64String(items)}}" } }""";

        var fragments = Assert.IsType<DicomFragmentSequence>(DicomJsonReader.Read(json)[DicomTags.PixelData]);
        Assert.Equal(0, fragments.BasicOffsetTable.Length);
        Assert.Equal([[0xFF, 0xD8, 0xFF, 0x00], [0xFF, 0xD9]], fragments.Fragments.Select(fragment => fragment.ToArray()));

        var native = DicomJsonReader.Read(json, new DicomJsonReaderOptions { TransferSyntax = DicomTransferSyntax.ExplicitVRLittleEndian });
        Assert.Equal(items, ValueBytes(native, 0x7FE00010));

        var withMeta = DicomJsonReader.Read(
            $$"""{ "00020010": { "vr": "UI", "Value": [ "1.2.840.10008.1.2.1" ] }, "7FE00010": { "vr": "OB", "InlineBinary": "{{Convert.ToBase64String(items)}}" } }""");
        Assert.IsType<DicomValueElement>(withMeta[DicomTags.PixelData]);

        var notItems = DicomJsonReader.Read("""{ "7FE00010": { "vr": "OW", "InlineBinary": "AAECAw==" } }""");
        Assert.Equal([0, 1, 2, 3], ValueBytes(notItems, 0x7FE00010));
    }

    [Fact]
    public void Icon_pixel_data_in_an_item_is_encapsulated_when_its_bytes_are_items_even_in_an_encapsulated_syntax()
    {
        var items = Convert.ToBase64String([0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xFF, 0xD9]);
        var json = $$"""
            {
              "00880200": { "vr": "SQ", "Value": [
                { "7FE00010": { "vr": "OB", "InlineBinary": "{{items}}" } },
                { "7FE00010": { "vr": "OB", "InlineBinary": "AAECAw==" } } ] }
            }
            """;

        var icons = DicomJsonReader.Read(json, new DicomJsonReaderOptions { TransferSyntax = DicomTransferSyntax.JpegBaseline }).GetSequence(new DicomTag(0x0088, 0x0200))!;

        Assert.IsType<DicomFragmentSequence>(icons.Items[0][DicomTags.PixelData]);
        Assert.Equal([0, 1, 2, 3], ValueBytes(icons.Items[1], 0x7FE00010));
    }

    [Fact]
    public void Members_may_come_in_any_order_and_lowercase_tag_keys_are_accepted()
    {
        var dataset = DicomJsonReader.Read("""{ "0008103e": { "Value": [ "Series" ], "vr": "LO", "x-extension": 1 }, "00080060": { "vr": "CS", "Value": [ "MR" ] } }""");

        Assert.Equal([new DicomTag(0x0008, 0x0060), new DicomTag(0x0008, 0x103E)], dataset.Select(element => element.Tag));
        Assert.Equal("Series", dataset.GetString(new DicomTag(0x0008, 0x103E)));
    }

    [Fact]
    public void An_array_of_data_sets_reads_to_a_list()
    {
        var datasets = DicomJsonReader.ReadArray("""[ { "0020000D": { "vr": "UI", "Value": [ "1.2.3" ] } }, {} ]""");

        Assert.Equal(2, datasets.Count);
        Assert.Equal("1.2.3", datasets[0].GetString(new DicomTag(0x0020, 0x000D)));
        Assert.Equal(0, datasets[1].Count);
    }

    [Fact]
    public async Task Streams_read_like_byte_arrays()
    {
        using var single = new MemoryStream(Encoding.UTF8.GetBytes(Ps318Example.Json));
        using var array = new MemoryStream(Encoding.UTF8.GetBytes($"[{Ps318Example.Json},{Ps318Example.Json}]"));

        var dataset = await DicomJsonReader.ReadAsync(single, cancellationToken: TestContext.Current.CancellationToken);
        var datasets = await DicomJsonReader.ReadArrayAsync(array, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(DatasetComparer.Differences(Ps318Example.Dataset(), dataset));
        Assert.All(datasets, item => Assert.Empty(DatasetComparer.Differences(Ps318Example.Dataset(), item)));
    }
}
