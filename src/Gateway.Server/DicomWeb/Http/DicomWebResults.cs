namespace Gateway.Server.DicomWeb.Http;

/// <summary>The error answers of the DICOMweb endpoints: a status code and a readable text body.</summary>
internal static class DicomWebResults
{
    public static IResult NotFound(string message) => Results.Text(message + "\n", "text/plain", statusCode: StatusCodes.Status404NotFound);

    public static IResult BadRequest(string message) => Results.Text(message + "\n", "text/plain", statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotAcceptable(string message) => Results.Text(message + "\n", "text/plain", statusCode: StatusCodes.Status406NotAcceptable);
}
