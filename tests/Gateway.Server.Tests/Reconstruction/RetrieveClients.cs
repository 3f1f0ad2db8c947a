using System.Globalization;
using System.Net;
using Gateway.Server.Tests.DicomWeb.Retrieve;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>Fetches one instance as a file through each retrieval path: WADO-RS, WADO-URI and DCMTK getscu (C-GET).</summary>
internal static class RetrieveClients
{
    public static async Task<(string ContentType, string Path)> WadoRsAsync(GatewayInstance gateway, TestInstance instance, string? transferSyntax = null)
    {
        var accept = "multipart/related; type=\"application/dicom\"" + (transferSyntax is null ? string.Empty : "; transfer-syntax=" + transferSyntax);
        var (_, parts) = await MultipartResponse.GetPartsAsync(gateway.Http, instance.InstancePath, accept);
        var part = Assert.Single(parts);
        return (part.ContentType, MultipartResponse.Save(part.Body));
    }

    public static async Task<string> WadoUriAsync(GatewayInstance gateway, TestInstance instance)
    {
        using var response = await MultipartResponse.GetAsync(gateway.Http, instance.WadoUri("&contentType=application/dicom"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    public static string GetScu(GatewayInstance gateway, TestInstance instance)
    {
        var folder = Directory.CreateTempSubdirectory("getscu-").FullName;
        ExternalTool.RunChecked(
            "getscu",
            [
                "-S", "-aec", GatewayInstance.AETitle, "-td", "60", "-od", folder,
                "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + instance.Study, "-k", "SeriesInstanceUID=" + instance.Series,
                "-k", "SOPInstanceUID=" + instance.Sop, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture),
            ],
            "dcmtk");
        return Assert.Single(Directory.GetFiles(folder));
    }

    /// <summary>Moves a file one of these wrote to a temporary place to <paramref name="destination"/>, removing getscu's folder; returns the destination.</summary>
    public static string Keep(string retrieved, string destination)
    {
        File.Move(retrieved, destination);
        var parent = Path.GetDirectoryName(retrieved)!;
        if (Path.GetFileName(parent).StartsWith("getscu-", StringComparison.Ordinal))
        {
            Directory.Delete(parent);
        }

        return destination;
    }
}
