using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Gateway.Server.DicomWeb.Stow;

/// <summary>The request media type of STOW-RS (PS3.18 10.5.1): multipart/related; type="application/dicom"; boundary=...</summary>
internal static class StowMultipart
{
    public const string DicomMediaType = "application/dicom";

    /// <summary>The boundary of a STOW-RS request body, or the fault that makes the request unacceptable.</summary>
    public static string ParseBoundary(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw new StowRequestException(StatusCodes.Status415UnsupportedMediaType, $"STOW-RS takes multipart/related; type=\"application/dicom\", not '{contentType}'.");
        }

        if (!mediaType.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
        {
            throw new StowRequestException(StatusCodes.Status415UnsupportedMediaType, $"STOW-RS takes multipart/related; type=\"application/dicom\", not {mediaType.MediaType}.");
        }

        var type = mediaType.Parameters.FirstOrDefault(parameter => parameter.Name.Equals("type", StringComparison.OrdinalIgnoreCase));
        if (type is not null && !IsDicom(HeaderUtilities.RemoveQuotes(type.Value).Value))
        {
            throw new StowRequestException(
                StatusCodes.Status415UnsupportedMediaType,
                $"This gateway stores only application/dicom parts (type={type.Value}); DICOM JSON/XML with bulk data is not supported.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new StowRequestException(StatusCodes.Status400BadRequest, "The multipart/related content type has no boundary parameter.");
        }

        if (boundary.Length > 70)
        {
            throw new StowRequestException(StatusCodes.Status400BadRequest, "The multipart boundary is longer than 70 characters (RFC 2046).");
        }

        return boundary;
    }

    /// <summary>Whether a part's Content-Type (absent: the request's type applies) is application/dicom.</summary>
    public static bool IsDicomPart(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) || (MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && IsDicom(mediaType.MediaType.Value));

    /// <summary>Errors of the multipart framing (not of Kestrel, whose BadHttpRequestException is also an IOException).</summary>
    public static bool IsFramingError(Exception exception) =>
        exception is InvalidDataException || (exception is IOException && exception is not Microsoft.AspNetCore.Http.BadHttpRequestException);

    public static StowRequestException Malformed(Exception exception) =>
        new(StatusCodes.Status400BadRequest, $"The multipart body is malformed: {exception.Message}", exception);

    private static bool IsDicom(string? mediaType) => string.Equals(mediaType, DicomMediaType, StringComparison.OrdinalIgnoreCase);
}
