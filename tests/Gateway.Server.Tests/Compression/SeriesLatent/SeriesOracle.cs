using System.Text.Json;

namespace Gateway.Server.Tests.Compression.SeriesLatent;

/// <summary>
/// pydicom and numpy (Debian's python3) as the oracle of the series latent checks: the slice order of files along
/// their normal, the .npy the gateway served, a frame against a file's pixel data, and modified copies of a real series
/// (written into a temporary folder).
/// </summary>
internal static class SeriesOracle
{
    private const string Packages = "python3-pydicom python3-numpy";

    private const string Script = """
        import json, sys
        import numpy as np
        import pydicom

        def position(ds):
            iop = np.array([float(v) for v in ds.ImageOrientationPatient])
            return float(np.dot(np.array([float(v) for v in ds.ImagePositionPatient]), np.cross(iop[:3], iop[3:])))

        def ordered(paths):
            return sorted(paths, key=lambda p: position(pydicom.dcmread(p, stop_before_pixels=True)))

        command = sys.argv[1]
        if command == 'npy':
            array = np.load(sys.argv[2], allow_pickle=False)
            array.astype('<f4').tofile(sys.argv[3])
            print(json.dumps({'shape': list(array.shape), 'dtype': str(array.dtype)}))
        elif command == 'order':
            print(json.dumps([str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID) for p in ordered(sys.argv[2:])]))
        elif command == 'frame':
            ds = pydicom.dcmread(sys.argv[2])
            with open(sys.argv[3], 'rb') as f:
                frame = f.read()
            print(json.dumps({'equal': bytes(ds.PixelData) == frame, 'rows': int(ds.Rows), 'columns': int(ds.Columns), 'bytes': len(frame)}))
        elif command == 'derive':
            # derive SOURCE... -- DEST SERIES FIRST COUNT ODD: slices FIRST..FIRST+COUNT by position as a new series;
            # the last ODD of them axial (another orientation); the next slice by position into DEST/late.
            split = sys.argv.index('--')
            sources, (dest, series, first, count, odd) = sys.argv[2:split], sys.argv[split + 1:]
            first, count, odd = int(first), int(count), int(odd)
            chosen = ordered(sources)[first:first + count + 1]
            for i, path in enumerate(chosen):
                ds = pydicom.dcmread(path)
                ds.SeriesInstanceUID = series
                ds.SOPInstanceUID = f'{series}.{i + 1}'
                ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
                if count - odd <= i < count:
                    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
                ds.save_as(f'{dest}/late/{i + 1:04d}.dcm' if i == count else f'{dest}/{i + 1:04d}.dcm')
        """;

    public static (int[] Shape, string Dtype) Npy(string npy, string raw)
    {
        using var result = JsonDocument.Parse(Run("npy", npy, raw));
        return ([.. result.RootElement.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())], result.RootElement.GetProperty("dtype").GetString()!);
    }

    public static string[] Order(IEnumerable<string> files) => JsonSerializer.Deserialize<string[]>(Run(["order", .. files]))!;

    /// <summary>Whether the raw frame equals the pixel data of the file; with the file's rows and columns.</summary>
    public static (bool Equal, int Rows, int Columns) Frame(string file, string raw)
    {
        using var result = JsonDocument.Parse(Run("frame", file, raw));
        var root = result.RootElement;
        return (root.GetProperty("equal").GetBoolean(), root.GetProperty("rows").GetInt32(), root.GetProperty("columns").GetInt32());
    }

    /// <summary>
    /// Slices <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> (by position) of
    /// <paramref name="sources"/> as series <paramref name="series"/> in <paramref name="folder"/>, the last
    /// <paramref name="odd"/> of them with another orientation; the next slice by position in folder/late.
    /// </summary>
    public static void Derive(IEnumerable<string> sources, string folder, string series, int first, int count, int odd)
    {
        Directory.CreateDirectory(Path.Combine(folder, "late"));
        Run(["derive", .. sources, "--", folder, series, first.ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture), odd.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private static string Run(params string[] arguments) => ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", Script, .. arguments], Packages);
}
