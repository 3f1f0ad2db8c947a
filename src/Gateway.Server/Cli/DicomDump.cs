using System.Text.Json;
using Gateway.Dicom;
using Gateway.Dicom.Json;

namespace Gateway.Server.Cli;

/// <summary>Output of `gateway dicom dump`.</summary>
internal static class DicomDump
{
    public static void WriteText(DicomFile file, TextWriter writer) => DicomTextDump.Write(file, writer);

    /// <summary>The data set as indented DICOM JSON, File Meta Information included.</summary>
    public static void WriteJson(DicomFile file, TextWriter writer)
    {
        var options = new DicomJsonWriterOptions { IncludeFileMetaInformation = true, WriteIndented = true };
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, options.ToJsonWriterOptions()))
        {
            DicomJsonWriter.Write(json, file, options);
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
