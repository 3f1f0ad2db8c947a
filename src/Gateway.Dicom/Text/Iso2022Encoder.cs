using System.Globalization;

namespace Gateway.Dicom.Text;

/// <summary>
/// Encodes a value under single-byte or ISO 2022 defined terms. Characters go to the set already designated where
/// possible; otherwise the declared set that covers the longest stretch of what follows is designated (ties go to the
/// set declared first). Before each delimiter and at the end of the value G0 is escaped back to its initial set, as
/// PS3.5 6.1.2.5.3 requires; G1 returns implicitly, so a later use designates it again (PS3.5 Annexes I and K).
/// </summary>
internal static class Iso2022Encoder
{
    public static byte[] Encode(string value, Iso2022Repertoire repertoire, ValueDelimiters delimiters, string declared)
    {
        var bytes = new List<byte>(value.Length + 8);
        var g0 = repertoire.InitialG0;
        var g1 = repertoire.InitialG1;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                var resets = delimiters.ResetsCodeElements(c);

                // ASCII needs a single-byte G0. SPACE would be allowed in a 94x94 G0 too (PS3.5 H.2), but common
                // ISO-2022-JP decoders (Python's, which pydicom uses) reject it there, so G0 is switched for it as well.
                if (g0 != repertoire.InitialG0 && (resets || g0.BytesPerCharacter == 2))
                {
                    g0 = repertoire.InitialG0;
                    bytes.AddRange(g0.EscapeSequence);
                }

                bytes.Add((byte)c);
                if (resets)
                {
                    g1 = repertoire.InitialG1;
                }

                continue;
            }

            if (g1 is not null && g1.TryEncode(c, out var code))
            {
                Append(bytes, g1, code);
                continue;
            }

            if (g0.BytesPerCharacter == 2 && g0.TryEncode(c, out code))
            {
                Append(bytes, g0, code);
                continue;
            }

            var set = repertoire.UsesCodeExtensions ? Choose(value, i, repertoire, delimiters) : null;
            if (set is null || !set.TryEncode(c, out code))
            {
                throw Unencodable(value, i, declared);
            }

            bytes.AddRange(set.EscapeSequence);
            if (set.Element == CodeElement.G0)
            {
                g0 = set;
            }
            else
            {
                g1 = set;
            }

            Append(bytes, set, code);
        }

        if (g0 != repertoire.InitialG0)
        {
            bytes.AddRange(repertoire.InitialG0.EscapeSequence);
        }

        return [.. bytes];
    }

    private static void Append(List<byte> bytes, GraphicSet set, int code)
    {
        if (set.BytesPerCharacter == 1)
        {
            bytes.Add((byte)code);
            return;
        }

        var high = set.Element == CodeElement.G1 ? 0x80 : 0;
        bytes.Add((byte)((code >> 8) | high));
        bytes.Add((byte)((code & 0xFF) | high));
    }

    private static GraphicSet? Choose(string value, int index, Iso2022Repertoire repertoire, ValueDelimiters delimiters)
    {
        GraphicSet? best = null;
        var bestRun = 0;
        foreach (var set in repertoire.Available)
        {
            var run = Run(value, index, set, delimiters);
            if (run > bestRun)
            {
                best = set;
                bestRun = run;
            }
        }

        return best;
    }

    /// <summary>How many non-ASCII characters from <paramref name="index"/> on the set could encode without another designation.</summary>
    private static int Run(string value, int index, GraphicSet set, ValueDelimiters delimiters)
    {
        var run = 0;
        for (var i = index; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                // ASCII lives in G0: it ends a G0 set's stretch but not a G1 set's, unless it is a delimiter.
                if (delimiters.ResetsCodeElements(c) || set.Element == CodeElement.G0)
                {
                    break;
                }

                continue;
            }

            if (!set.TryEncode(c, out _))
            {
                break;
            }

            run++;
        }

        return run;
    }

    private static DicomException Unencodable(string value, int index, string declared)
    {
        var codePoint = char.IsSurrogatePair(value, index) ? char.ConvertToUtf32(value, index) : value[index];
        var shown = char.IsSurrogate(value[index]) && !char.IsSurrogatePair(value, index) ? "a lone surrogate" : $"'{char.ConvertFromUtf32(codePoint)}'";
        return new DicomException(string.Create(
            CultureInfo.InvariantCulture,
            $"Cannot encode {shown} (U+{codePoint:X4}) at index {index} with Specific Character Set '{declared}': none of its character sets contains it."));
    }
}
