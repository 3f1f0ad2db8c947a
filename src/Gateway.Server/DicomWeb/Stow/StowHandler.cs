using System.Globalization;
using Gateway.Core.Archive;
using Gateway.Core.Audit;
using Gateway.Server.Audit.Http;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.DicomWeb.Retrieve;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Gateway.Server.DicomWeb.Stow;

/// <summary>
/// STOW-RS (PS3.18 10.5): reads the multipart body part by part and streams each part into ingest (the body is
/// never held in memory), then answers with the Store Instances response. Per-instance failures are data in the
/// response; faults of the whole request are <see cref="StowRequestException"/>s, answered in one place.
/// </summary>
public sealed partial class StowHandler(IngestService ingest, IOptions<GatewayOptions> options, ILogger<StowHandler> logger)
{
    public async Task HandleAsync(HttpContext context, string? studyInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var mediaType = ResponseMediaType(context.Request);
            var results = await StoreAsync(context, studyInstanceUid).ConfigureAwait(false);
            AuditParts(context, results);
            var response = StowResponse.Build(results, studyInstanceUid, DicomWebBaseUrl.Of(context.Request, options.Value));
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentType = mediaType;
            foreach (var warning in StowResponse.Warnings(results))
            {
                context.Response.Headers.Append("Warning", warning);
            }

            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StowRequestException exception)
        {
            Log.Refused(logger, exception.StatusCode, exception.Message);
            context.Response.StatusCode = exception.StatusCode;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(exception.Message + "\n", context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task<StowResults> StoreAsync(HttpContext context, string? studyInstanceUid)
    {
        var request = context.Request;
        var maxBody = options.Value.StowMaxBodyBytes;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBody;
        }

        if (request.ContentLength > maxBody)
        {
            throw TooLarge(maxBody);
        }

        var boundary = StowMultipart.ParseBoundary(request.ContentType);
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBody };
        var results = new StowResults();
        try
        {
            while (await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false) is { } section)
            {
                if (!StowMultipart.IsDicomPart(section.ContentType))
                {
                    results.Add(new IngestResult(IngestOutcome.Invalid, null, null, null, $"A part of type {section.ContentType} is not application/dicom."));
                    continue;
                }

                try
                {
                    results.Add(await ingest.StoreFileAsync(new MultipartPartStream(section.Body), studyInstanceUid, context.RequestAborted).ConfigureAwait(false));
                }
                catch (Exception exception) when (exception is not (StowRequestException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException or OutOfMemoryException))
                {
                    // Storing failed on our side (object store, database): this instance fails, the next may not.
                    results.AddProcessingFailure(exception.Message);
                }
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBody, results.Stored);
        }
        catch (Exception exception) when (StowMultipart.IsFramingError(exception))
        {
            results.Malformed = StowMultipart.Malformed(exception);
        }
        catch (StowRequestException exception)
        {
            results.Malformed = exception;
        }

        if (results.Malformed is { } malformed && results.Stored == 0)
        {
            throw malformed;
        }

        if (results.Parts.Count == 0)
        {
            throw new StowRequestException(StatusCodes.Status400BadRequest, "The multipart body holds no parts.");
        }

        return results;
    }

    /// <summary>One audit row per part: its UIDs, and for a refused one the outcome and Failure Reason (never ingest's message, which may quote the header).</summary>
    private static void AuditParts(HttpContext context, StowResults results)
    {
        var audit = context.Audit();
        foreach (var (result, failureReason) in results.Parts)
        {
            audit.Instances.Add(new AuditedInstance(
                result.StudyInstanceUid,
                result.SeriesInstanceUid,
                result.SopInstanceUid,
                failureReason switch { null => AuditOutcome.Success, StowFailureReason.ProcessingFailure => AuditOutcome.SeriousFailure, _ => AuditOutcome.MinorFailure },
                failureReason is { } reason ? string.Create(CultureInfo.InvariantCulture, $"{result.Outcome}; failure reason {reason:X4}H") : result.Outcome.ToString()));
        }
    }

    private static StowRequestException TooLarge(long maxBody, int stored = 0) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {maxBody} bytes this gateway accepts (setting StowMaxBodyBytes); {stored} complete instances before the limit were stored.");

    /// <summary>
    /// The response's media type: DICOM JSON, or plain JSON for a client that accepts only that; 406 for one that
    /// accepts neither (DICOM XML is not offered). Checked before the body is read, so a refusal stores nothing.
    /// </summary>
    private static string ResponseMediaType(HttpRequest request)
    {
        var ranges = AcceptHeader.Parse(request.Headers.Accept);
        if (ranges.Count == 0 || ranges.Any(range => range.Admits(StowResponse.MediaType)))
        {
            return StowResponse.MediaType;
        }

        if (ranges.Any(range => range.Admits("application/json")))
        {
            return "application/json";
        }

        throw new StowRequestException(StatusCodes.Status406NotAcceptable, "The Store Instances response is offered as application/dicom+json (or application/json) only.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7404, Level = LogLevel.Warning, Message = "STOW-RS request refused with {StatusCode}: {Reason}")]
        public static partial void Refused(ILogger logger, int statusCode, string reason);
    }
}
