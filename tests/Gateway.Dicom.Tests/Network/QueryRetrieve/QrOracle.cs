using System.Text.Json;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>What pydicom read from one file (qr_oracle.py headers): the facts the expectations are derived from.</summary>
internal sealed record OracleInstance(
    string File,
    string TransferSyntax,
    string PatientID,
    string PatientName,
    string StudyInstanceUID,
    string StudyDate,
    string SeriesInstanceUID,
    string SeriesNumber,
    string Modality,
    string SOPInstanceUID,
    string SOPClassUID,
    string InstanceNumber,
    string SpecificCharacterSet,
    string SeriesDate,
    string SeriesDescription,
    string ContentTime,
    string ImageType);

/// <summary>How one original instance arrived at a retrieve destination, as pydicom sees both (qr_oracle.py pixels).</summary>
internal sealed record OracleArrival(
    string SOPInstanceUID,
    bool Arrived,
    string? TransferSyntax,
    bool SameTransferSyntax,
    bool PixelDataIdentical,
    bool PixelsEqual);

/// <summary>Runs qr_oracle.py (next to this file) with Debian's /usr/bin/python3, which has pydicom and GDCM.</summary>
internal static class QrOracle
{
    private static readonly string Script =
        Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Dicom.Tests", "Network", "QueryRetrieve", "qr_oracle.py");

    public static IReadOnlyList<OracleInstance> Headers(IEnumerable<string> files) =>
        Run<List<OracleInstance>>(["headers"], files);

    /// <summary>For each original, whether it arrived in <paramref name="folder"/> and with which pixel data.</summary>
    public static IReadOnlyList<OracleArrival> Arrivals(IEnumerable<string> originals, string folder) =>
        Run<List<OracleArrival>>(["pixels", folder], originals);

    private static T Run<T>(string[] arguments, IEnumerable<string> files)
    {
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, [Script, .. arguments], "python3-pydicom python3-gdcm python3-numpy", string.Join('\n', files) + "\n");
        return JsonSerializer.Deserialize<T>(output) ?? throw new InvalidOperationException("qr_oracle.py printed nothing.");
    }
}
