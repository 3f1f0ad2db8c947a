using System.Text;

namespace Gateway.Dicom.Text;

/// <summary>
/// The legacy code pages of System.Text.Encoding.CodePages (part of the .NET shared framework), used only to fill
/// the character tables. Windows tables mark bytes they leave undefined with '?' or a private-use character; both
/// count as undefined here.
/// </summary>
internal static class CodePages
{
    /// <summary>Undecodable bytes become U+FFFD (DecoderFallback.ReplacementFallback would give '?').</summary>
    public static DecoderFallback ReplacementFallback { get; } = new DecoderReplacementFallback("\uFFFD");

    /// <summary>The code page, throwing on characters it cannot encode and replacing bytes it cannot decode with U+FFFD.</summary>
    public static Encoding Get(int codePage) =>
        CodePagesEncodingProvider.Instance.GetEncoding(codePage, EncoderFallback.ExceptionFallback, ReplacementFallback)
        ?? throw new InvalidOperationException($"Code page {codePage} is not available from System.Text.Encoding.CodePages.");

    /// <summary>The single character that <paramref name="bytes"/> decode to, or U+FFFD when the code page does not define them.</summary>
    public static char DecodeOne(Encoding encoding, byte[] bytes)
    {
        var text = encoding.GetString(bytes);
        if (text.Length != 1)
        {
            return GraphicSet.Replacement;
        }

        var character = text[0];
        var undefined = (character == '?' && !(bytes.Length == 1 && bytes[0] == (byte)'?'))
            || character is >= '\uE000' and <= '\uF8FF';
        return undefined ? GraphicSet.Replacement : character;
    }
}
