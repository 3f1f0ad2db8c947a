using System.Text;

namespace Gateway.Dicom.Text;

/// <summary>
/// Decodes a value under single-byte or ISO 2022 defined terms (PS3.5 6.1.2.5): escape sequences designate sets to G0
/// or G1, GL bytes are read in G0 (in pairs for a 94x94 set), GR bytes in G1, and the initial sets return at every
/// delimiter. Bytes that the sets do not define become U+FFFD; nothing throws.
/// </summary>
internal static class Iso2022Decoder
{
    private const byte Esc = 0x1B;

    public static string Decode(ReadOnlySpan<byte> value, Iso2022Repertoire repertoire, ValueDelimiters delimiters)
    {
        var text = new StringBuilder(value.Length);
        var g0 = repertoire.InitialG0;
        var g1 = repertoire.InitialG1;
        var i = 0;
        while (i < value.Length)
        {
            int b = value[i];
            if (b == Esc && repertoire.UsesCodeExtensions && GraphicSets.TryMatchEscapeSequence(value[i..], out var designated, out var length))
            {
                if (designated.Element == CodeElement.G0)
                {
                    g0 = designated;
                }
                else
                {
                    g1 = designated;
                }

                i += length;
            }
            else if (b >= 0x80)
            {
                i += DecodeRightHalf(value[i..], g1, text);
            }
            else if (g0.BytesPerCharacter == 2 && b is > 0x20 and < 0x7F)
            {
                if (i + 1 < value.Length && value[i + 1] is > 0x20 and < 0x7F)
                {
                    text.Append(g0.Decode((b << 8) | value[i + 1]));
                    i += 2;
                }
                else
                {
                    text.Append(GraphicSet.Replacement);
                    i++;
                }
            }
            else
            {
                // Controls, SPACE and DELETE are the same in every G0 set; the 94-character sets are read as ASCII.
                text.Append((char)b);
                i++;
                if (delimiters.ResetsCodeElements(b))
                {
                    g0 = repertoire.InitialG0;
                    g1 = repertoire.InitialG1;
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Decodes the character at the start of <paramref name="bytes"/>, whose first byte is in GR; returns the bytes used.</summary>
    private static int DecodeRightHalf(ReadOnlySpan<byte> bytes, GraphicSet? g1, StringBuilder text)
    {
        int b = bytes[0];
        if (g1 is null || b < 0xA0)
        {
            // No set in GR (ISO 8859-1 as the lossless fallback), or a C1 control character.
            text.Append((char)b);
            return 1;
        }

        if (g1.BytesPerCharacter == 1)
        {
            text.Append(g1.Decode(b));
            return 1;
        }

        if (b is > 0xA0 and < 0xFF && bytes.Length > 1 && bytes[1] is > 0xA0 and < 0xFF)
        {
            text.Append(g1.Decode(((b & 0x7F) << 8) | (bytes[1] & 0x7F)));
            return 2;
        }

        text.Append(GraphicSet.Replacement);
        return 1;
    }
}
