namespace Gateway.Server.DicomWeb.Http;

/// <summary>One media range of an Accept header (RFC 9110 12.5.1): type, subtype, parameters and quality.</summary>
internal sealed record MediaRange(string Type, string Subtype, IReadOnlyDictionary<string, string> Parameters, double Quality)
{
    public string MediaType => Type + "/" + Subtype;

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether this range admits <paramref name="mediaType"/> ("*/*" and "image/*" admit more than one).</summary>
    public bool Admits(string mediaType)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var type = mediaType[..slash];
        var subtype = mediaType[(slash + 1)..];
        return (Type == "*" || string.Equals(Type, type, StringComparison.OrdinalIgnoreCase))
            && (Subtype == "*" || string.Equals(Subtype, subtype, StringComparison.OrdinalIgnoreCase));
    }
}
