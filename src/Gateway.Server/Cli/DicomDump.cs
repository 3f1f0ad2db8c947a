using Gateway.Dicom;

namespace Gateway.Server.Cli;

/// <summary>Output of `gateway dicom dump`.</summary>
internal static class DicomDump
{
    public static void WriteText(DicomFile file, TextWriter writer) => DicomTextDump.Write(file, writer);

    public static void WriteJson(DicomFile file, TextWriter writer) =>
        throw new DicomException("JSON output arrives with the DICOM JSON writer.");
}
