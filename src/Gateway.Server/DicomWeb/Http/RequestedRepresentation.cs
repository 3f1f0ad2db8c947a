namespace Gateway.Server.DicomWeb.Http;

/// <summary>
/// One representation a client accepts, unwrapped from its Accept range: the media type of the resource (the
/// <c>type</c> of a multipart/related range, or the range itself; wildcards kept) and the transfer-syntax parameter.
/// </summary>
internal sealed record RequestedRepresentation(string MediaType, string? TransferSyntax)
{
    public static readonly RequestedRepresentation Anything = new("*/*", null);

    public bool Admits(string mediaType) => new MediaRange(
        MediaType[..MediaType.IndexOf('/', StringComparison.Ordinal)],
        MediaType[(MediaType.IndexOf('/', StringComparison.Ordinal) + 1)..],
        new Dictionary<string, string>(),
        1).Admits(mediaType);

    /// <summary>
    /// What the request accepts, best first. No Accept header means anything. Forms real clients send:
    /// <c>multipart/related; type="application/dicom"</c> (quoted or not), <c>application/dicom</c> alone, <c>*/*</c>,
    /// several ranges with q values. The transfer-syntax parameter may sit on the multipart range or the inner type.
    /// </summary>
    public static IReadOnlyList<RequestedRepresentation> FromRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Accept;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            return [Anything];
        }

        return FromRanges(AcceptHeader.Parse(header));
    }

    public static IReadOnlyList<RequestedRepresentation> FromRanges(IEnumerable<MediaRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var result = new List<RequestedRepresentation>();
        foreach (var range in ranges)
        {
            var syntax = range.Parameter("transfer-syntax");
            if (range.Type == "multipart" && range.Subtype == "related")
            {
                var inner = range.Parameter("type");
                if (inner is null)
                {
                    result.Add(new RequestedRepresentation("*/*", syntax));
                }
                else if (AcceptHeader.TryParseRange(inner, out var innerRange))
                {
                    result.Add(new RequestedRepresentation(innerRange.MediaType, syntax ?? innerRange.Parameter("transfer-syntax")));
                }
            }
            else if (range.Type == "multipart" || range.Type == "*" || range.Subtype == "*")
            {
                result.Add(new RequestedRepresentation(range.Type == "multipart" ? "*/*" : range.MediaType, syntax));
            }
            else
            {
                result.Add(new RequestedRepresentation(range.MediaType, syntax));
            }
        }

        return result;
    }
}
