using Microsoft.AspNetCore.Http;

namespace Gateway.Server.DicomWeb.Stow;

/// <summary>The request media type of STOW-RS (PS3.18 10.5.1): multipart/related; type="application/dicom"; boundary=...</summary>
internal static class StowMultipart
{
    public const string DicomMediaType = "application/dicom";

    public const int MaximumBoundaryLength = 200;

    /// <summary>The boundary of a STOW-RS request body, or the fault that makes the request unacceptable.</summary>
    public static string ParseBoundary(string? contentType)
    {
        if (ParseMediaType(contentType) is not { } mediaType || !mediaType.Type.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
        {
            throw new StowRequestException(StatusCodes.Status415UnsupportedMediaType, $"STOW-RS takes multipart/related; type=\"application/dicom\", not '{contentType}'.");
        }

        if (mediaType.Parameters.TryGetValue("type", out var type) && !IsDicom(type))
        {
            throw new StowRequestException(
                StatusCodes.Status415UnsupportedMediaType,
                $"This gateway stores only application/dicom parts (type={type}); DICOM JSON/XML with bulk data is not supported.");
        }

        if (!mediaType.Parameters.TryGetValue("boundary", out var boundary) || boundary.Length == 0)
        {
            throw new StowRequestException(StatusCodes.Status400BadRequest, "The multipart/related content type has no boundary parameter.");
        }

        // RFC 2046 caps boundaries at 70 characters, but Orthanc 1.10's DICOMweb client sends "<uuid>-<uuid>" (73):
        // accept what real peers send, up to a bound that keeps the delimiter search cheap.
        if (boundary.Length > MaximumBoundaryLength)
        {
            throw new StowRequestException(StatusCodes.Status400BadRequest, $"The multipart boundary is longer than {MaximumBoundaryLength} characters.");
        }

        return boundary;
    }

    /// <summary>
    /// A media type and its parameters (names lower-cased, values unquoted). Lenient where real clients are: an
    /// unquoted value may hold '/' (type=application/dicom), which RFC 9110's token grammar would refuse.
    /// </summary>
    public static (string Type, Dictionary<string, string> Parameters)? ParseMediaType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = SplitOutsideQuotes(value);
        var type = segments[0].Trim();
        if (type.Length == 0 || !type.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var segment in segments.Skip(1))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = segment[..equals].Trim();
            var text = segment[(equals + 1)..].Trim();
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
            {
                text = text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            parameters.TryAdd(name, text);
        }

        return (type, parameters);
    }

    /// <summary>Whether a part's Content-Type (absent: the request's type applies) is application/dicom.</summary>
    public static bool IsDicomPart(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) || (ParseMediaType(contentType) is { } mediaType && IsDicom(mediaType.Type));

    /// <summary>Errors of the multipart framing (not of Kestrel, whose BadHttpRequestException is also an IOException).</summary>
    public static bool IsFramingError(Exception exception) =>
        exception is InvalidDataException || (exception is IOException && exception is not Microsoft.AspNetCore.Http.BadHttpRequestException);

    public static StowRequestException Malformed(Exception exception) =>
        new(StatusCodes.Status400BadRequest, $"The multipart body is malformed: {exception.Message}", exception);

    private static bool IsDicom(string? mediaType) => string.Equals(mediaType, DicomMediaType, StringComparison.OrdinalIgnoreCase);

    private static List<string> SplitOutsideQuotes(string value)
    {
        var segments = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && quoted)
            {
                i++;
            }
            else if (value[i] == '"')
            {
                quoted = !quoted;
            }
            else if (value[i] == ';' && !quoted)
            {
                segments.Add(value[start..i]);
                start = i + 1;
            }
        }

        segments.Add(value[start..]);
        return segments;
    }
}
