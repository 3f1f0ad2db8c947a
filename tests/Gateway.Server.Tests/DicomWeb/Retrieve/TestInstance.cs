using Gateway.Dicom;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>The UIDs of a test file, and the WADO paths that address it.</summary>
internal sealed record TestInstance(string Path, string Study, string Series, string Sop)
{
    public static TestInstance Of(string path)
    {
        var dataset = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        return new TestInstance(path, dataset.GetString(DicomTags.StudyInstanceUID)!, dataset.GetString(DicomTags.SeriesInstanceUID)!, dataset.GetString(DicomTags.SOPInstanceUID)!);
    }

    public string StudyPath => $"dicomweb/studies/{Study}";

    public string SeriesPath => $"{StudyPath}/series/{Series}";

    public string InstancePath => $"{SeriesPath}/instances/{Sop}";

    public string WadoUri(string extra = "") => $"wado?requestType=WADO&studyUID={Study}&seriesUID={Series}&objectUID={Sop}{extra}";
}
