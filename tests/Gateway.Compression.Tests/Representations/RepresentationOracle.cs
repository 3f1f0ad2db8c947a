using System.Text.Json;
using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Representations;

/// <summary>
/// pydicom and numpy judge decoded stored values against the original DICOM file: the worst frame's PSNR on the
/// original frame's range (as the model cards and tests/oracle/quality_reference.py define it) and the largest
/// absolute error. For a Part 10 file it also decodes the file itself (pydicom with GDCM/OpenJPEG), so the file,
/// not our decoder, is judged, and reports its transfer syntax and lossy flags.
/// </summary>
internal static class RepresentationOracle
{
    private const string ValuesScript = """
        import sys, json
        import numpy as np
        import pydicom
        a = pydicom.dcmread(sys.argv[1]).pixel_array.astype(np.int64)
        b = np.fromfile(sys.argv[2], dtype='<i4').astype(np.int64).reshape(a.shape)
        span = float(a.max() - a.min()) or 1.0
        mse = float(np.mean(((a - b) / span) ** 2))
        print(json.dumps({'psnr': 1e9 if mse == 0 else 10 * np.log10(1.0 / mse), 'maxAbsError': int(np.abs(a - b).max())}))
        """;

    private const string FileScript = """
        import sys, json
        import numpy as np
        import pydicom
        original = pydicom.dcmread(sys.argv[1])
        back = pydicom.dcmread(sys.argv[2])
        a = original.pixel_array.astype(np.int64)
        b = back.pixel_array.astype(np.int64)
        span = float(a.max() - a.min()) or 1.0
        mse = float(np.mean(((a - b) / span) ** 2))
        native = int(original.Rows) * int(original.Columns) * int(original.BitsAllocated) // 8
        fragments = b''.join(pydicom.encaps.generate_pixel_data_frame(back.PixelData))
        print(json.dumps({
            'psnr': 1e9 if mse == 0 else 10 * np.log10(1.0 / mse), 'maxAbsError': int(np.abs(a - b).max()),
            'transferSyntax': str(back.file_meta.TransferSyntaxUID), 'lossy': str(back.get('LossyImageCompression', '')),
            'method': str(back.get('LossyImageCompressionMethod', '')), 'sameSop': back.SOPInstanceUID == original.SOPInstanceUID,
            'ratio': native / len(fragments)}))
        """;

    public static (double Psnr, int MaxAbsError) JudgeValues(string original, PixelFrames decoded)
    {
        var raw = Path.GetTempFileName();
        try
        {
            var bytes = new byte[decoded.Values.Length * 4];
            Buffer.BlockCopy(decoded.Values, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(raw, bytes);
            using var result = JsonDocument.Parse(ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", ValuesScript, original, raw], "python3-pydicom python3-numpy"));
            return (result.RootElement.GetProperty("psnr").GetDouble(), result.RootElement.GetProperty("maxAbsError").GetInt32());
        }
        finally
        {
            File.Delete(raw);
        }
    }

    public static JsonElement JudgeFile(string original, byte[] file)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, file);
            using var result = JsonDocument.Parse(ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", FileScript, original, path], "python3-pydicom python3-numpy python3-gdcm"));
            return result.RootElement.Clone();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
