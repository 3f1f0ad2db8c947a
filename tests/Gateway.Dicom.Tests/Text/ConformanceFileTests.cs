using Gateway.Dicom.Text;

namespace Gateway.Dicom.Tests.Text;

/// <summary>
/// The character-set-dependent elements of fo-dicom's charset test files (shared/data), read byte for byte by the
/// pydicom oracle script, decoded here and compared with pydicom, then encoded back and compared with the file's bytes.
/// </summary>
public sealed class ConformanceFileTests
{
    /// <summary>
    /// Files where pydicom 2.3.1 is wrong and DCMTK (dcmconv +U8, then dcmdump) is the oracle instead.
    /// chrGB2312: pydicom hands ISO 2022 IR 58 fragments, escape sequence included, to Python's gb2312 codec, which
    /// does not know escape sequences, so pydicom's string keeps "ESC $ ) A" before each Hanzi run.
    /// </summary>
    private static readonly Dictionary<string, string> DcmtkIsTheOracle = new(StringComparer.Ordinal)
    {
        ["chrGB2312.dcm"] = "pydicom 2.3.1 keeps the ISO 2022 IR 58 escape sequences in the decoded string",
    };

    /// <summary>
    /// Elements whose bytes are valid but not the shortest encoding, so encoding the text again gives other bytes;
    /// for them the test checks that pydicom reads the new bytes as it read the original ones.
    /// </summary>
    private static readonly Dictionary<string, string> NonCanonical = new(StringComparer.Ordinal)
    {
        ["chrKoreanMulti.dcm"] = "each Hangul run ends with ESC ( B although G0 never left ISO-IR 6 (KS X 1001 is in G1)",
        ["chrSQEncoding.dcm"] = "G0 returns to ASCII with ESC ( B where value 1 is ISO 2022 IR 13, whose romaji G0 PS3.5 H.3.2 restores with ESC ( J",
        ["chrSQEncoding1.dcm"] = "G0 returns to ASCII with ESC ( B where value 1 is ISO 2022 IR 13, whose romaji G0 PS3.5 H.3.2 restores with ESC ( J",
    };

    /// <summary>Every element encoded again from its decoded text, and pydicom's reading of the new bytes (one oracle run for all files).</summary>
    private static readonly Lazy<(OracleElement Element, byte[] Reencoded, IReadOnlyList<string> ReadBack)[]> ReadBack = new(() =>
    {
        var elements = PydicomCharsetOracle.Elements;
        var reencoded = elements.Select(Reencode).ToArray();
        var readBack = PydicomCharsetOracle.Decode(elements.Select((e, i) => (e.Terms, e.VR, reencoded[i])).ToArray());
        return elements.Select((e, i) => (e, reencoded[i], readBack[i])).ToArray();
    });

    public static TheoryData<string> Files => new(CharsetFiles.Names);

    [Fact]
    public void EveryFileOfTheCharsetFolderHasATestCase()
    {
        var present = Directory.GetFiles(CharsetFiles.Folder, "*.dcm").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(CharsetFiles.Names.Order(StringComparer.Ordinal), present);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void DecodesEveryCharacterSetDependentElementAsTheOracleDoes(string file)
    {
        var elements = ElementsOf(file);
        var dcmtk = DcmtkIsTheOracle.ContainsKey(file) ? DcmtkCharsetOracle.TopLevelValuesAsUtf8(Path.Combine(CharsetFiles.Folder, file)) : null;
        var failures = new List<string>();
        foreach (var element in elements)
        {
            var vr = DicomVR.Parse(element.VR);
            var decoded = DicomCharacterSet.FromSpecificCharacterSet(element.Terms).Decode(element.Bytes, vr);
            var actual = CharsetFiles.AsPydicomValues(decoded, vr);
            var expected = dcmtk is null
                ? element.Values.Select(v => CharsetFiles.Normalize(v, vr)).ToArray()
                : CharsetFiles.AsPydicomValues(dcmtk[element.Path], vr);
            if (!actual.SequenceEqual(expected))
            {
                failures.Add($"{element}: expected [{string.Join(" | ", expected)}], decoded [{string.Join(" | ", actual)}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EncodingTheDecodedTextGivesTheOriginalBytes(string file)
    {
        var failures = new List<string>();
        foreach (var (element, reencoded, readBack) in ReadBack.Value.Where(r => r.Element.FileName == file))
        {
            if (!NonCanonical.ContainsKey(file) && !reencoded.SequenceEqual(element.Bytes))
            {
                failures.Add($"{element}: encoded again as {Convert.ToHexStringLower(reencoded)}");
            }

            // Whatever the bytes, pydicom must read them as it read the file's own (not for chrGB2312, see DcmtkIsTheOracle).
            if (!DcmtkIsTheOracle.ContainsKey(file) && !readBack.SequenceEqual(element.Values))
            {
                failures.Add($"{element}: pydicom reads the new bytes {Convert.ToHexStringLower(reencoded)} as [{string.Join(" | ", readBack)}]");
            }
        }

        Assert.NotEmpty(ElementsOf(file));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static List<OracleElement> ElementsOf(string file)
    {
        TestData.RequireSharedData(Path.Combine(CharsetFiles.RelativeFolder, file));
        var elements = PydicomCharsetOracle.Elements.Where(e => e.FileName == file).ToList();
        Assert.NotEmpty(elements);
        return elements;
    }

    private static byte[] Reencode(OracleElement element)
    {
        var vr = DicomVR.Parse(element.VR);
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(element.Terms);
        return characterSet.Encode(characterSet.Decode(element.Bytes, vr), vr);
    }
}
