using System.Text.Json;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>What pydicom and numpy find when they compare a retrieved file with the original that was sent.</summary>
internal sealed record RetrievedComparison(
    string Original,
    string Retrieved,
    bool SameStudy,
    bool SameSeries,
    bool SameSop,
    string Lossy,
    string[] Ratio,
    string[] Method,
    bool SameShape,
    bool Exact,
    double Psnr,
    long PixelBytes,
    int MaxAbsError,
    string TransferSyntax,
    long EncapsulatedBytes,
    long CodestreamBytes);

/// <summary>
/// pydicom (Debian python3-pydicom with python3-gdcm) and numpy as the independent judge of many retrieved files in
/// one interpreter run: UIDs, lossy flags, whether the stored values equal the original's, and the PSNR of the worst
/// frame on values scaled by the original frame's range (max - min), as the model card's evaluation computes it;
/// PixelBytes is the original's native pixel data size (rows x columns x frames x samples x bits allocated / 8);
/// MaxAbsError the largest absolute difference of any stored value; EncapsulatedBytes the retrieved file's
/// encapsulated pixel data length (item headers included; 0 when native); CodestreamBytes the length of its frames
/// without the item headers (each fragment padded to even length, as stored; 0 when native).
/// </summary>
internal static class RetrievedOracle
{
    private const string Script = """
        import sys, json
        import numpy as np
        import pydicom
        from pydicom.encaps import generate_pixel_data_frame

        def strings(ds, name):
            if name not in ds:
                return []
            value = ds[name].value
            return [str(v) for v in value] if isinstance(value, (list, pydicom.multival.MultiValue)) else [str(value)]

        out = []
        for original_path, retrieved_path in json.load(sys.stdin):
            original = pydicom.dcmread(original_path, force=True)
            back = pydicom.dcmread(retrieved_path, force=True)
            a = original.pixel_array.astype(np.int64)
            b = back.pixel_array.astype(np.int64)
            same = a.shape == b.shape
            psnr = -1.0
            max_error = -1
            if same:
                max_error = int(np.abs(a - b).max())
                psnr = float('inf')
                for fa, fb in zip(a.reshape((-1,) + a.shape[-2:]), b.reshape((-1,) + b.shape[-2:])):
                    span = float(fa.max() - fa.min()) or 1.0
                    mse = float(np.mean(((fa - fb) / span) ** 2))
                    psnr = min(psnr, float('inf') if mse == 0 else 10 * np.log10(1.0 / mse))
            frames = int(original.get('NumberOfFrames', 1) or 1)
            compressed = back.file_meta.TransferSyntaxUID.is_compressed
            pixel_bytes = int(original.Rows) * int(original.Columns) * frames * int(original.get('SamplesPerPixel', 1)) * int(original.BitsAllocated) // 8
            out.append({
                'original': original_path, 'retrieved': retrieved_path,
                'sameStudy': back.StudyInstanceUID == original.StudyInstanceUID,
                'sameSeries': back.SeriesInstanceUID == original.SeriesInstanceUID,
                'sameSop': back.SOPInstanceUID == original.SOPInstanceUID,
                'lossy': str(back.get('LossyImageCompression', '')),
                'ratio': strings(back, 'LossyImageCompressionRatio'),
                'method': strings(back, 'LossyImageCompressionMethod'),
                'sameShape': same,
                'exact': bool(same and np.array_equal(a, b)),
                'psnr': 1e9 if psnr == float('inf') else psnr,
                'pixelBytes': pixel_bytes,
                'maxAbsError': max_error,
                'transferSyntax': str(back.file_meta.TransferSyntaxUID),
                'encapsulatedBytes': len(back.PixelData) if compressed else 0,
                'codestreamBytes': sum(len(f) for f in generate_pixel_data_frame(back.PixelData, frames)) if compressed else 0,
            })
        print(json.dumps(out))
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<RetrievedComparison> Compare(IEnumerable<(string Original, string Retrieved)> pairs)
    {
        var input = JsonSerializer.Serialize(pairs.Select(pair => new[] { pair.Original, pair.Retrieved }));
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", Script], "python3-pydicom python3-numpy python3-gdcm", input);
        return JsonSerializer.Deserialize<List<RetrievedComparison>>(output, Json)!;
    }
}
