using Gateway.Dicom.Json;
using static Gateway.Dicom.Tests.Json.JsonTestSupport;

namespace Gateway.Dicom.Tests.Json;

/// <summary>JSON in the form the standard prescribes reads to a data set that writes back to the same JSON.</summary>
public class DicomJsonRoundTripTests
{
    private const string EveryKindOfValue = """
        {
          "00080005": { "vr": "CS", "Value": [ "ISO_IR 100" ] },
          "00080008": { "vr": "CS", "Value": [ "ORIGINAL", "PRIMARY", null, "AXIAL" ] },
          "00080020": { "vr": "DA", "Value": [ "20240229" ] },
          "00080030": { "vr": "TM", "Value": [ "235959.999999" ] },
          "0008002A": { "vr": "DT", "Value": [ "20240229235959.123456+0100" ] },
          "00080050": { "vr": "SH" },
          "00080054": { "vr": "AE", "Value": [ "STORESCP", "ARCHIVE" ] },
          "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "Éloïse^Françoise" }, null, { "Ideographic": "Ideo" } ] },
          "00081030": { "vr": "LO", "Value": [ "Thorax ä ö ü ß" ] },
          "00081115": {
            "vr": "SQ",
            "Value": [
              {
                "0008114A": {
                  "vr": "SQ",
                  "Value": [ { "00081150": { "vr": "UI", "Value": [ "1.2.840.10008.5.1.4.1.1.2" ] } }, {} ]
                },
                "0020000E": { "vr": "UI", "Value": [ "1.2.3.4.5.6.7.8.9" ] }
              },
              {}
            ]
          },
          "00081190": { "vr": "UR", "Value": [ "https://pacs.example/studies/1.2.3" ] },
          "00090010": { "vr": "LO", "Value": [ "ACME 1.0" ] },
          "00091001": { "vr": "UN", "InlineBinary": "AAECAwQFBgcICQ==" },
          "00091002": { "vr": "OB", "BulkDataURI": "https://pacs.example/bulk/00091002" },
          "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Doe^John^^Dr.", "Ideographic": "Dö^Jöhn", "Phonetic": "doe" } ] },
          "00101010": { "vr": "AS", "Value": [ "042Y" ] },
          "00101030": { "vr": "DS", "Value": [ 72.50 ] },
          "00181063": { "vr": "DS", "Value": [ 33.3333 ] },
          "00186020": { "vr": "SL", "Value": [ -2147483648, 2147483647 ] },
          "00189087": { "vr": "FD", "Value": [ 1000.5, 0.1, -0, "NaN" ] },
          "00189089": { "vr": "FL", "Value": [ 3.4028235E+38, 1E-45, "Infinity" ] },
          "00189219": { "vr": "SS", "Value": [ -1 ] },
          "00200013": { "vr": "IS", "Value": [ -12 ] },
          "00200032": { "vr": "DS", "Value": [ -125.5, 1e3, -0, 6.0221E+23, "not a number" ] },
          "00204000": { "vr": "LT", "Value": [ "  two\r\nlines" ] },
          "00280009": { "vr": "AT", "Value": [ "00181063", "00189219" ] },
          "00280010": { "vr": "US", "Value": [ 512 ] },
          "00283006": { "vr": "OW", "InlineBinary": "AAABAP//" },
          "00400254": { "vr": "UC", "Value": [ " unlimited" ] },
          "00420011": { "vr": "OB", "InlineBinary": "JVBERi0=" },
          "00660040": { "vr": "OL", "InlineBinary": "AQAAAAIAAAA=" },
          "00660041": { "vr": "OV", "InlineBinary": "AQAAAAAAAAA=" },
          "00660042": { "vr": "OD", "InlineBinary": "AAAAAAAA8D8=" },
          "00660043": { "vr": "OF", "InlineBinary": "AACAPw==" },
          "00720082": { "vr": "SV", "Value": [ -9223372036854775808 ] },
          "00720083": { "vr": "UV", "Value": [ 18446744073709551615 ] },
          "00400007": { "vr": "ST", "Value": [ "short text" ] },
          "00400008": { "vr": "UT", "Value": [ "unlimited text" ] },
          "7FE00010": { "vr": "OB", "InlineBinary": "/v8A4AAAAAD+/wDgBAAAAP/Y/9n+/wDgAgAAAP/Z" }
        }
        """;

    [Fact]
    public void A_data_set_with_every_kind_of_value_writes_back_to_the_JSON_it_was_read_from()
    {
        var dataset = DicomJsonReader.Read(EveryKindOfValue);

        // The writer sorts by tag; the input above has two ST/UT attributes out of order on purpose.
        AssertJsonEqual(SortedByKey(EveryKindOfValue), DicomJsonWriter.Serialize(dataset));
    }

    [Fact]
    public void The_PS3_18_example_survives_a_round_trip_through_a_data_set()
    {
        var dataset = DicomJsonReader.Read(Ps318Example.Json);

        AssertJsonEqual(Ps318Example.Json, DicomJsonWriter.Serialize(dataset));
    }

    [Fact]
    public void An_array_of_data_sets_survives_a_round_trip()
    {
        var json = $"[{Ps318Example.Json},{EveryKindOfValue},{{}}]";

        var datasets = DicomJsonReader.ReadArray(json);

        AssertJsonEqual($"[{Ps318Example.Json},{SortedByKey(EveryKindOfValue)},{{}}]", DicomJsonWriter.SerializeArray(datasets));
    }

    private static string SortedByKey(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var members = document.RootElement.EnumerateObject().OrderBy(member => member.Name, StringComparer.Ordinal)
            .Select(member => $"\"{member.Name}\":{member.Value.GetRawText()}");
        return "{" + string.Join(',', members) + "}";
    }
}
