using System.Globalization;
using System.Text.Json;
using Gateway.Dicom.Json;

namespace Gateway.Dicom.Tests.Json;

/// <summary>
/// Our JSON for real files against an independent implementation: pydicom's Dataset.to_json_dict() (Debian
/// python3-pydicom 2.3) through tests/oracle/pydicom_json.py, which normalises only pydicom's departures from PS3.18
/// (listed there with their clauses). The comparison is strict on structure (same attributes, same vr, same choice of
/// Value / InlineBinary / BulkDataURI, same number of values, same strings, same base64, same URIs, nested items alike)
/// and numeric where JSON leaves the spelling free: pydicom writes DS as a Python float (1.50 becomes 1.5) and FL as
/// the double nearest the float, so DS and FD compare as doubles, FL as floats, IS and the integer VRs as decimals.
/// Deliberate difference, kept out of these files rather than normalised: for encapsulated pixel data below the bulk
/// threshold both sides write the item-encoded Value Field, which agrees; we offer encapsulated pixel data to the bulk
/// data policy at any size (the gateway always serves it as frames), which pydicom does not, so the test's policy gives
/// URIs only above the threshold, as pydicom does.
/// </summary>
public class PydicomJsonOracleTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    // Bulk threshold: values over 3072 bytes, i.e. base64 text over 4096 characters, become BulkDataURIs on both sides.
    private const int ThresholdBytes = 3072;
    private const int ThresholdBase64 = 4096;

    // Explicit VR little endian files with no UN elements, in character sets both sides decode (default, Latin-1,
    // UTF-8): names with ideographic groups, Siemens private data, overlays, LUTs, float pixel data, encapsulated
    // pixel data and nested sequences.
    private static readonly string[] Files =
    [
        "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A002304_19001231-076.dcm",
        "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/0006-1.3.12.2.1107.5.2.19.45152.2013030808110255864486031.dcm",
        "volumes/mr-640x640__Seg3DData-example_dicom/IM-0001-0001.dcm",
        "dicom-conformance/pydicom-data/MR-SIEMENS-DICOM-WithOverlays.dcm",
        "dicom-conformance/pydicom-data/parametric_map_float.dcm",
        "dicom-conformance/pydicom-data/emri_small.dcm",
        "dicom-conformance/nema-wg04-compression-samples/CT1_J2KR.dcm",
        "dicom-conformance/fo-dicom/charset/chrX1.dcm",
        "dicom-conformance/fo-dicom/charset/chrFren.dcm",
        "xray/dicom/fo-dicom__CR-ModalitySequenceLUT_dental.dcm",
    ];

    [Fact]
    public void Our_JSON_for_real_files_matches_pydicoms_to_json_dict()
    {
        var root = TestData.RequireSharedData();
        var paths = Files.Select(file => Path.Combine(root, file)).ToArray();
        using var oracle = JsonDocument.Parse(RunOracle(paths));

        var differences = new List<string>();
        var attributes = 0;
        foreach (var (file, path) in Files.Zip(paths))
        {
            var dicom = DicomFile.Open(path);
            var policy = new DicomBulkDataPolicy(
                (elementPath, element) => element is DicomFragmentSequence fragments && EncodedLength(fragments) <= ThresholdBytes ? null : "bulk/" + elementPath.Tag.ToHexString(),
                ThresholdBytes);
            var ours = DicomJsonWriter.SerializeToUtf8Bytes(dicom.Dataset, new DicomJsonWriterOptions { BulkData = policy });
            using var document = JsonDocument.Parse(ours);
            var theirs = oracle.RootElement.GetProperty(path);
            attributes += CountAttributes(theirs);
            CompareDatasets(theirs, document.RootElement, file + " ", differences);
        }

        differences.Take(50).ToList().ForEach(output.WriteLine);
        output.WriteLine($"{Files.Length} files, {attributes} attributes compared, {differences.Count} differences");
        Assert.True(attributes > 1000, $"only {attributes} attributes were compared");
        Assert.Empty(differences);
    }

    private static int EncodedLength(DicomFragmentSequence fragments) =>
        8 + fragments.BasicOffsetTable.Length + fragments.Fragments.Sum(fragment => 8 + fragment.Length + (fragment.Length & 1));

    private static string RunOracle(string[] paths)
    {
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "pydicom_json.py");
        return ExternalTool.RunChecked(Python, [script, "--bulk-threshold-base64", ThresholdBase64.ToString(CultureInfo.InvariantCulture), .. paths], "python3-pydicom");
    }

    private static int CountAttributes(JsonElement dataset)
    {
        var count = 0;
        foreach (var attribute in dataset.EnumerateObject())
        {
            count++;
            if (attribute.Value.TryGetProperty("Value", out var values) && attribute.Value.GetProperty("vr").GetString() == "SQ")
            {
                count += values.EnumerateArray().Sum(CountAttributes);
            }
        }

        return count;
    }

    private static void CompareDatasets(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        var expectedKeys = expected.EnumerateObject().Select(member => member.Name).ToList();
        var actualKeys = actual.EnumerateObject().Select(member => member.Name).ToList();
        differences.AddRange(expectedKeys.Except(actualKeys).Select(key => $"{path}{key} missing"));
        differences.AddRange(actualKeys.Except(expectedKeys).Select(key => $"{path}{key} extra"));
        foreach (var key in expectedKeys.Intersect(actualKeys))
        {
            CompareAttributes(expected.GetProperty(key), actual.GetProperty(key), path + key, differences);
        }
    }

    private static void CompareAttributes(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        var vr = expected.GetProperty("vr").GetString()!;
        if (actual.GetProperty("vr").GetString() != vr)
        {
            differences.Add($"{path}: vr {vr} vs ours {actual.GetProperty("vr").GetString()}");
            return;
        }

        string[] kinds = ["Value", "InlineBinary", "BulkDataURI"];
        var expectedKind = kinds.FirstOrDefault(kind => expected.TryGetProperty(kind, out _));
        var actualKind = kinds.FirstOrDefault(kind => actual.TryGetProperty(kind, out _));
        if (expectedKind != actualKind)
        {
            differences.Add($"{path}: pydicom has {expectedKind ?? "no value"}, ours {actualKind ?? "no value"}");
            return;
        }

        if (expectedKind is null)
        {
            return;
        }

        var a = expected.GetProperty(expectedKind);
        var b = actual.GetProperty(expectedKind);
        if (expectedKind != "Value")
        {
            if (a.GetString() != b.GetString())
            {
                differences.Add($"{path}: {expectedKind} differs");
            }

            return;
        }

        if (a.GetArrayLength() != b.GetArrayLength())
        {
            differences.Add($"{path}: {a.GetArrayLength()} values vs ours {b.GetArrayLength()}: {Shorten(a)} vs {Shorten(b)}");
            return;
        }

        for (var i = 0; i < a.GetArrayLength(); i++)
        {
            if (vr == "SQ")
            {
                CompareDatasets(a[i], b[i], $"{path}[{i}].", differences);
            }
            else if (!SameValue(vr, a[i], b[i]))
            {
                differences.Add($"{path}[{i}]: pydicom {a[i].GetRawText()} vs ours {b[i].GetRawText()}");
            }
        }
    }

    private static bool SameValue(string vr, JsonElement expected, JsonElement actual)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return false;
        }

        return expected.ValueKind switch
        {
            JsonValueKind.Number when vr == "FL" => expected.GetSingle().Equals(actual.GetSingle()),
            JsonValueKind.Number when vr is "DS" or "FD" => expected.GetDouble().Equals(actual.GetDouble()),
            JsonValueKind.Number => expected.GetDecimal() == actual.GetDecimal(),
            JsonValueKind.Object => expected.EnumerateObject().Select(member => (member.Name, member.Value.GetString()))
                .SequenceEqual(actual.EnumerateObject().Select(member => (member.Name, member.Value.GetString()))),
            _ => expected.GetRawText() == actual.GetRawText(),
        };
    }

    private static string Shorten(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length > 120 ? text[..120] + "..." : text;
    }
}
