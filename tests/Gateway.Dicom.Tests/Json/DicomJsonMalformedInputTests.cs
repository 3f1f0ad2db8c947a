using Gateway.Dicom.Json;

namespace Gateway.Dicom.Tests.Json;

/// <summary>Malformed DICOM JSON is refused with a DicomJsonException that says what and where.</summary>
public class DicomJsonMalformedInputTests
{
    [Theory]
    [InlineData("", "Not valid JSON")]
    [InlineData("{ \"00100010\": ", "Not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{ \"0010001\": { \"vr\": \"PN\" } }", "'0010001' in the top-level data set is not an attribute tag")]
    [InlineData("{ \"0010001G\": { \"vr\": \"PN\" } }", "'0010001G' in the top-level data set is not an attribute tag")]
    [InlineData("{ \"(0010,0010)\": { \"vr\": \"PN\" } }", "is not an attribute tag")]
    [InlineData("{ \"00100010\": \"Doe\" }", "00100010: an attribute must be a JSON object")]
    [InlineData("{ \"00100010\": { \"Value\": [ \"Doe\" ] } }", "00100010: the attribute has no \"vr\"")]
    [InlineData("{ \"00100010\": { \"vr\": \"XX\" } }", "00100010: \"XX\" is not a DICOM value representation")]
    [InlineData("{ \"00100010\": { \"vr\": 5 } }", "\"vr\" must be a string")]
    [InlineData("{ \"00100010\": { \"vr\": \"PN\", \"Value\": \"Doe\" } }", "\"Value\" must be an array")]
    [InlineData("{ \"00100010\": { \"vr\": \"PN\", \"Value\": [ 5 ] } }", "PN values are objects, not a number")]
    [InlineData("{ \"00100010\": { \"vr\": \"PN\", \"Value\": [ { \"Alphabetic\": 5 } ] } }", "\"Alphabetic\" must be a string")]
    [InlineData("{ \"00080060\": { \"vr\": \"CS\", \"Value\": [ 5 ] } }", "CS values are strings, not a number")]
    [InlineData("{ \"00080060\": { \"vr\": \"CS\", \"Value\": [ true ] } }", "CS values are strings, not a boolean")]
    [InlineData("{ \"00204000\": { \"vr\": \"LT\", \"Value\": [ \"a\", \"b\" ] } }", "LT holds a single value")]
    [InlineData("{ \"00280010\": { \"vr\": \"US\", \"Value\": [ \"512\" ] } }", "US values are integers, not \"512\"")]
    [InlineData("{ \"00280010\": { \"vr\": \"US\", \"Value\": [ 65536 ] } }", "65536 is out of the range of US")]
    [InlineData("{ \"00280010\": { \"vr\": \"US\", \"Value\": [ -1 ] } }", "out of the range of US")]
    [InlineData("{ \"00280010\": { \"vr\": \"US\", \"Value\": [ 1.5 ] } }", "US values are integers, not 1.5")]
    [InlineData("{ \"00280010\": { \"vr\": \"US\", \"Value\": [ null ] } }", "US values are integers, not null")]
    [InlineData("{ \"00720083\": { \"vr\": \"UV\", \"Value\": [ -1 ] } }", "UV values are integers from 0")]
    [InlineData("{ \"00189089\": { \"vr\": \"FL\", \"Value\": [ \"fast\" ] } }", "FL values are numbers")]
    [InlineData("{ \"00200013\": { \"vr\": \"IS\", \"Value\": [ 1.5 ] } }", "IS values are integers; 1.5 is not")]
    [InlineData("{ \"00280009\": { \"vr\": \"AT\", \"Value\": [ \"0018106\" ] } }", "AT values are tags")]
    [InlineData("{ \"00280009\": { \"vr\": \"AT\", \"Value\": [ 1577059 ] } }", "AT values are tags")]
    [InlineData("{ \"00091010\": { \"vr\": \"OB\", \"Value\": [ 1, 2 ] } }", "OB values are given as InlineBinary or BulkDataURI")]
    [InlineData("{ \"00091010\": { \"vr\": \"OB\", \"InlineBinary\": \"not base64!\" } }", "\"InlineBinary\" is not valid base64")]
    [InlineData("{ \"00091010\": { \"vr\": \"OB\", \"InlineBinary\": 12 } }", "\"InlineBinary\" must be a string")]
    [InlineData("{ \"00091010\": { \"vr\": \"OB\", \"InlineBinary\": \"AQID\", \"BulkDataURI\": \"x\" } }", "at most one of Value, InlineBinary and BulkDataURI")]
    [InlineData("{ \"00091010\": { \"vr\": \"OB\", \"BulkDataURI\": \"\" } }", "\"BulkDataURI\" is empty")]
    [InlineData("{ \"00081115\": { \"vr\": \"SQ\", \"InlineBinary\": \"AQID\" } }", "a sequence is given as a Value array")]
    [InlineData("{ \"00081115\": { \"vr\": \"SQ\", \"Value\": [ 5 ] } }", "00081115[0]: a sequence item must be a JSON object")]
    [InlineData("{ \"00081115\": { \"vr\": \"SQ\", \"Value\": [ {}, { \"00081150\": { \"vr\": \"UI\", \"Value\": [ 1 ] } } ] } }", "00081115[1].00081150: UI values are strings")]
    [InlineData("{ \"00081115\": { \"vr\": \"SQ\", \"Value\": [ { \"oops\": {} } ] } }", "'oops' in 00081115[0] is not an attribute tag")]
    [InlineData("{ \"0008103E\": { \"vr\": \"LO\" }, \"0008103e\": { \"vr\": \"LO\" } }", "0008103E: the attribute appears twice")]
    [InlineData("{ \"7FE00010\": { \"vr\": \"OB\", \"InlineBinary\": \"AAECAw==\" }, \"00020010\": { \"vr\": \"UI\", \"Value\": [ \"1.2.840.10008.1.2.4.50\" ] } }", "the transfer syntax is encapsulated, but the pixel data are not a run of items")]
    public void Malformed_input_raises_a_DicomJsonException_naming_the_problem(string json, string expectedMessage)
    {
        var exception = Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(json));

        Assert.Contains(expectedMessage, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_data_set_in_an_array_is_named_by_its_index()
    {
        var exception = Assert.Throws<DicomJsonException>(() => DicomJsonReader.ReadArray("""[ {}, { "00100010": { "vr": "QQ" } } ]"""));

        Assert.StartsWith("Data set 1 of the array: 00100010:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_is_required_where_an_array_of_data_sets_is_read() =>
        Assert.Throws<DicomJsonException>(() => DicomJsonReader.ReadArray("{}"));

    [Fact]
    public void Sequences_nested_deeper_than_the_limit_are_refused()
    {
        var json = "{}";
        for (var i = 0; i < 10; i++)
        {
            json = $$"""{ "00081115": { "vr": "SQ", "Value": [ {{json}} ] } }""";
        }

        Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(json, new DicomJsonReaderOptions { MaxSequenceDepth = 5 }));
        Assert.Equal(1, DicomJsonReader.Read(json, new DicomJsonReaderOptions { MaxSequenceDepth = 10 }).Count);
    }

    [Theory]
    [InlineData("{ \"00100010\": { \"vr\": \"PN\", \"Value\": [ { \"Alphabetic\": \"\\uD800\" } ] } }")]
    [InlineData("{ \"00080060\": { \"vr\": \"CS\", \"Value\": [ \"\\uDC00x\" ] } }")]
    [InlineData("{ \"0008\\uD8000060\": { \"vr\": \"CS\" } }")]
    [InlineData("{ \"00080060\": { \"vr\": \"\\uD800\" } }")]
    public void Strings_with_lone_surrogates_are_refused_as_DICOM_JSON_errors(string json) =>
        Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(json));

    [Fact]
    public void Random_corruptions_of_valid_JSON_fail_only_as_DicomJsonException()
    {
        var original = System.Text.Encoding.UTF8.GetBytes(Ps318Example.Json);
        byte[] replacements = "{}[],:\"0123456789aAzZ-+.eE nul\\\u00ff"u8.ToArray();
        var random = new Random(20240229);
        for (var trial = 0; trial < 3000; trial++)
        {
            var corrupted = (byte[])original.Clone();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                corrupted[random.Next(corrupted.Length)] = replacements[random.Next(replacements.Length)];
            }

            var exception = Record.Exception(() => DicomJsonReader.Read(corrupted));
            Assert.True(exception is null or DicomJsonException, $"Trial {trial}: {exception}");
        }
    }

    [Fact]
    public void Every_truncation_of_valid_JSON_fails_as_a_DicomException_and_nothing_else()
    {
        var json = Ps318Example.Json;
        for (var length = 0; length < json.Length; length++)
        {
            var prefix = json[..length];
            var exception = Record.Exception(() => DicomJsonReader.Read(prefix));
            Assert.True(exception is DicomJsonException, $"Prefix of {length} characters: {exception?.GetType().Name ?? "no exception"}");
        }
    }
}
