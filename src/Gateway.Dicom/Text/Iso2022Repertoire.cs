namespace Gateway.Dicom.Text;

/// <summary>
/// What a set of single-byte or ISO 2022 defined terms allows: the sets designated at the start of every value (from
/// value 1), whether escape sequences may switch sets, and the sets the encoder may switch to, in the order declared.
/// </summary>
internal sealed class Iso2022Repertoire
{
    public Iso2022Repertoire(GraphicSet initialG0, GraphicSet? initialG1, bool usesCodeExtensions, IReadOnlyList<GraphicSet> available)
    {
        InitialG0 = initialG0;
        InitialG1 = initialG1;
        UsesCodeExtensions = usesCodeExtensions;
        Available = available;
    }

    /// <summary>A single-byte set (ISO-IR 6 or JIS X 0201 romaji).</summary>
    public GraphicSet InitialG0 { get; }

    /// <summary>Null when GR has no set; GR bytes then decode as ISO 8859-1 so that nothing is silently lost.</summary>
    public GraphicSet? InitialG1 { get; }

    public bool UsesCodeExtensions { get; }

    public IReadOnlyList<GraphicSet> Available { get; }
}
