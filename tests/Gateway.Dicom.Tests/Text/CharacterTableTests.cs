using System.Globalization;
using Gateway.Dicom.Text;

namespace Gateway.Dicom.Tests.Text;

/// <summary>
/// Every code of every single-byte set (0x80-0xFF) and every 94x94 pair of the multi-byte ISO 2022 sets, decoded and
/// encoded here and compared with pydicom's tables (Python's codecs, as pydicom chooses them for each defined term).
/// </summary>
public sealed class CharacterTableTests
{
    private const char Replacement = '\uFFFD';

    /// <summary>
    /// Codes where this library deliberately reads differently from Python's codecs. Keyed by term, then by code.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, (char Character, string Reason)>> Deliberate = new(StringComparer.Ordinal)
    {
        ["ISO 2022 IR 149"] = new(StringComparer.Ordinal)
        {
            // KS X 1001 0x2454 is the Hangul filler; Python's euc_kr only accepts it as the start of an 8-byte
            // composed-syllable sequence and rejects it alone.
            ["2454"] = ('\u3164', "HANGUL FILLER, which Python's euc_kr accepts only inside composition sequences"),
        },
    };

    public static TheoryData<string> SingleByteTerms => new(
        "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 126", "ISO_IR 127", "ISO_IR 138", "ISO_IR 144", "ISO_IR 148", "ISO_IR 166");

    public static TheoryData<string> MultiByteTerms => new("ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58");

    [Theory]
    [MemberData(nameof(SingleByteTerms))]
    public void EveryHighByteDecodesAsPydicomDecodesIt(string term)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet([term]);
        var failures = new List<string>();
        foreach (var (hex, expected) in PydicomCharsetOracle.Tables.SingleByte[term])
        {
            var decoded = characterSet.Decode(Convert.FromHexString(hex), DicomVR.LO);
            if (decoded != expected)
            {
                failures.Add($"0x{hex}: pydicom {Show(expected)}, decoded {Show(decoded)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(SingleByteTerms))]
    public void EveryCharacterOfASingleByteSetEncodesToItsByte(string term)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet([term]);
        var failures = new List<string>();
        foreach (var (hex, character) in FirstCodeOfEachCharacter(PydicomCharsetOracle.Tables.SingleByte[term]))
        {
            var encoded = TryEncode(characterSet, character);
            if (encoded != hex)
            {
                failures.Add($"{Show(character)}: expected {hex}, encoded {encoded}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(MultiByteTerms))]
    public void EveryPairDecodesAsPydicomDecodesIt(string term)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", term]);
        var designation = Designation(term);
        var failures = new List<string>();
        foreach (var (hex, fromPython) in PydicomCharsetOracle.Tables.MultiByte[term])
        {
            var expected = Deliberate.GetValueOrDefault(term)?.GetValueOrDefault(hex).Character is { } deliberate and not '\0'
                ? deliberate.ToString()
                : fromPython;
            var decoded = characterSet.Decode([.. designation, .. InvokedPair(term, hex)], DicomVR.LO);
            if (decoded != expected)
            {
                failures.Add($"0x{hex}: pydicom {Show(fromPython)}, expected {Show(expected)}, decoded {Show(decoded)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)) + $"\n({failures.Count} in all)");
    }

    [Theory]
    [MemberData(nameof(MultiByteTerms))]
    public void EveryCharacterOfAMultiByteSetEncodesWithItsEscapeSequence(string term)
    {
        var characterSet = DicomCharacterSet.FromSpecificCharacterSet(["", term]);
        var designation = Designation(term);
        var g0 = term is "ISO 2022 IR 87" or "ISO 2022 IR 159";
        var failures = new List<string>();
        foreach (var (hex, character) in FirstCodeOfEachCharacter(PydicomCharsetOracle.Tables.MultiByte[term]))
        {
            // A G0 set is left again for ISO-IR 6 at the end of the value (ESC ( B); a G1 set needs no return.
            byte[] expected = g0 ? [.. designation, .. InvokedPair(term, hex), 0x1B, (byte)'(', (byte)'B'] : [.. designation, .. InvokedPair(term, hex)];
            var encoded = TryEncode(characterSet, character);
            if (encoded != Convert.ToHexStringLower(expected))
            {
                failures.Add($"{Show(character)}: expected {Convert.ToHexStringLower(expected)}, encoded {encoded}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)) + $"\n({failures.Count} in all)");
    }

    /// <summary>The escape sequence PS3.3 table C.12-4 gives for the term.</summary>
    private static byte[] Designation(string term) => term switch
    {
        "ISO 2022 IR 87" => [0x1B, 0x24, 0x42],
        "ISO 2022 IR 159" => [0x1B, 0x24, 0x28, 0x44],
        "ISO 2022 IR 149" => [0x1B, 0x24, 0x29, 0x43],
        "ISO 2022 IR 58" => [0x1B, 0x24, 0x29, 0x41],
        _ => throw new ArgumentOutOfRangeException(nameof(term)),
    };

    /// <summary>The hex of the encoding, or the exception's message.</summary>
    private static string TryEncode(DicomCharacterSet characterSet, string text)
    {
        try
        {
            return Convert.ToHexStringLower(characterSet.Encode(text, DicomVR.LO));
        }
        catch (DicomException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The bytes of a 7-bit pair as the term invokes it: in GL for the JIS (G0) sets, in GR for the G1 sets.</summary>
    private static byte[] InvokedPair(string term, string hex)
    {
        var pair = Convert.FromHexString(hex);
        return term is "ISO 2022 IR 149" or "ISO 2022 IR 58" ? [(byte)(pair[0] | 0x80), (byte)(pair[1] | 0x80)] : pair;
    }

    /// <summary>Each character pydicom decodes (one character, not U+FFFD) with the first code that gives it.</summary>
    private static IEnumerable<(string Hex, string Character)> FirstCodeOfEachCharacter(IReadOnlyDictionary<string, string> table) =>
        table
            .Where(kv => kv.Value.Length == 1 && kv.Value[0] != Replacement && kv.Value[0] >= 0x80)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .GroupBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(g => (g.First().Key, g.Key));

    private static string Show(string text) =>
        string.Join(' ', text.Select(c => string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")));
}
