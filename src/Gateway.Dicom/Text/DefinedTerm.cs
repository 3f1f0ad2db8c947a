using System.Text;

namespace Gateway.Dicom.Text;

/// <summary>
/// One defined term of Specific Character Set (0008,0005), PS3.3 tables C.12-2 to C.12-5: the graphic sets it
/// designates, whether it is an ISO 2022 (code extension) term, or the stand-alone multi-byte encoding it names.
/// </summary>
internal sealed class DefinedTerm
{
    private DefinedTerm(string term, GraphicSet? g0, GraphicSet? g1, bool codeExtensions, Encoding? standalone)
    {
        Term = term;
        G0 = g0;
        G1 = g1;
        IsCodeExtension = codeExtensions;
        Standalone = standalone;
    }

    public string Term { get; }

    /// <summary>The set the term designates to G0, if any.</summary>
    public GraphicSet? G0 { get; }

    /// <summary>The set the term designates to G1, if any.</summary>
    public GraphicSet? G1 { get; }

    /// <summary>An "ISO 2022 ..." term: escape sequences may switch sets.</summary>
    public bool IsCodeExtension { get; }

    /// <summary>UTF-8, GB18030 or GBK: a multi-byte encoding that allows no code extensions (table C.12-5); it throws on characters it cannot encode and replaces bytes it cannot decode.</summary>
    public Encoding? Standalone { get; }

    private static readonly DefinedTerm[] Table =
    [
        SingleByte("ISO_IR 6", null),
        SingleByte("ISO_IR 100", GraphicSets.Latin1),
        SingleByte("ISO_IR 101", GraphicSets.Latin2),
        SingleByte("ISO_IR 109", GraphicSets.Latin3),
        SingleByte("ISO_IR 110", GraphicSets.Latin4),
        SingleByte("ISO_IR 144", GraphicSets.Cyrillic),
        SingleByte("ISO_IR 127", GraphicSets.Arabic),
        SingleByte("ISO_IR 126", GraphicSets.Greek),
        SingleByte("ISO_IR 138", GraphicSets.Hebrew),
        SingleByte("ISO_IR 148", GraphicSets.Latin5),
        SingleByte("ISO_IR 203", GraphicSets.Latin9),
        SingleByte("ISO_IR 166", GraphicSets.Thai),
        new("ISO_IR 13", GraphicSets.JisRomaji, GraphicSets.JisKatakana, false, null),
        Extension("ISO 2022 IR 6", GraphicSets.Ascii, null),
        Extension("ISO 2022 IR 100", GraphicSets.Ascii, GraphicSets.Latin1),
        Extension("ISO 2022 IR 101", GraphicSets.Ascii, GraphicSets.Latin2),
        Extension("ISO 2022 IR 109", GraphicSets.Ascii, GraphicSets.Latin3),
        Extension("ISO 2022 IR 110", GraphicSets.Ascii, GraphicSets.Latin4),
        Extension("ISO 2022 IR 144", GraphicSets.Ascii, GraphicSets.Cyrillic),
        Extension("ISO 2022 IR 127", GraphicSets.Ascii, GraphicSets.Arabic),
        Extension("ISO 2022 IR 126", GraphicSets.Ascii, GraphicSets.Greek),
        Extension("ISO 2022 IR 138", GraphicSets.Ascii, GraphicSets.Hebrew),
        Extension("ISO 2022 IR 148", GraphicSets.Ascii, GraphicSets.Latin5),
        Extension("ISO 2022 IR 203", GraphicSets.Ascii, GraphicSets.Latin9),
        Extension("ISO 2022 IR 166", GraphicSets.Ascii, GraphicSets.Thai),
        Extension("ISO 2022 IR 13", GraphicSets.JisRomaji, GraphicSets.JisKatakana),
        Extension("ISO 2022 IR 87", GraphicSets.JisX0208, null),
        Extension("ISO 2022 IR 159", GraphicSets.JisX0212, null),
        Extension("ISO 2022 IR 149", null, GraphicSets.KsX1001),
        Extension("ISO 2022 IR 58", null, GraphicSets.Gb2312),
        new("ISO_IR 192", null, null, false, Encoding.GetEncoding(65001, EncoderFallback.ExceptionFallback, CodePages.ReplacementFallback)),
        new("GB18030", null, null, false, CodePages.Get(54936)),
        new("GBK", null, null, false, CodePages.Get(936)),
    ];

    /// <summary>Keyed by the term in upper case without spaces, underscores or hyphens, which also accepts the common misspellings ("ISO IR 100", "ISO-IR 100", "ISO_IR100").</summary>
    private static readonly Dictionary<string, DefinedTerm> ByCompactForm = Table.ToDictionary(t => Compact(t.Term), StringComparer.Ordinal);

    /// <summary>The default character repertoire, ISO-IR 6.</summary>
    public static DefinedTerm Default { get; } = ByCompactForm[Compact("ISO_IR 6")];

    /// <summary>The default repertoire with code extensions, what an empty value 1 means when there are more values.</summary>
    public static DefinedTerm DefaultWithExtensions { get; } = ByCompactForm[Compact("ISO 2022 IR 6")];

    public static bool TryFind(string term, out DefinedTerm definedTerm) => ByCompactForm.TryGetValue(Compact(term), out definedTerm!);

    public override string ToString() => Term;

    private static string Compact(string term)
    {
        var compact = new StringBuilder(term.Length);
        foreach (var c in term)
        {
            if (c is not (' ' or '_' or '-'))
            {
                compact.Append(char.ToUpperInvariant(c));
            }
        }

        return compact.ToString();
    }

    private static DefinedTerm SingleByte(string term, GraphicSet? g1) => new(term, GraphicSets.Ascii, g1, false, null);

    private static DefinedTerm Extension(string term, GraphicSet? g0, GraphicSet? g1) => new(term, g0, g1, true, null);
}
