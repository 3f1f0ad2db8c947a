using System.Text.Json;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>
/// pydicom (Debian python3-pydicom, with python3-gdcm for compressed syntaxes), numpy and PIL as the independent
/// oracle of the retrieve tests: what pixels a file holds, its frames, and what a rendering of it must look like.
/// </summary>
internal static class PydicomOracle
{
    private const string Script = """
        import sys, json, hashlib
        import numpy as np
        import pydicom
        import pydicom.uid
        from pydicom.encaps import generate_pixel_data_frame

        def read(path, **options):
            ds = pydicom.dcmread(path, force=True, **options)
            if 'TransferSyntaxUID' not in ds.file_meta:
                # A file without File Meta Information (ACR-NEMA style): the syntax pydicom detected while reading.
                ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian if ds.is_implicit_VR else pydicom.uid.ExplicitVRLittleEndian
            return ds

        def frames(ds):
            array = ds.pixel_array
            count = int(getattr(ds, 'NumberOfFrames', 1) or 1)
            return [array] if count == 1 else [array[i] for i in range(count)]

        def little(array):
            return array.astype(array.dtype.newbyteorder('<')).tobytes()

        command = sys.argv[1]
        if command == 'digest':
            result = []
            for path in sys.argv[2:]:
                ds = read(path)
                result.append({'path': path, 'sop': str(ds.SOPInstanceUID), 'ts': str(ds.file_meta.TransferSyntaxUID),
                               'sha': hashlib.sha256(b''.join(little(f) for f in frames(ds))).hexdigest()})
            print(json.dumps(result))
        elif command == 'frames':
            ds = read(sys.argv[2])
            for i, frame in enumerate(frames(ds)):
                open(f'{sys.argv[3]}/native_{i + 1}.raw', 'wb').write(little(frame))
            if ds.file_meta.TransferSyntaxUID.is_compressed:
                count = int(getattr(ds, 'NumberOfFrames', 1) or 1)
                for i, frame in enumerate(generate_pixel_data_frame(ds.PixelData, count)):
                    open(f'{sys.argv[3]}/encoded_{i + 1}.raw', 'wb').write(frame)
        elif command == 'render':
            from PIL import Image
            ds = read(sys.argv[2])
            frame = frames(ds)[int(sys.argv[4]) - 1].astype(np.float64)
            frame = frame * float(getattr(ds, 'RescaleSlope', 1) or 1) + float(getattr(ds, 'RescaleIntercept', 0) or 0)
            if len(sys.argv) > 6:
                center, width = float(sys.argv[5]), float(sys.argv[6])
            elif 'WindowCenter' in ds:
                center = float(ds.WindowCenter[0] if ds['WindowCenter'].VM > 1 else ds.WindowCenter)
                width = float(ds.WindowWidth[0] if ds['WindowWidth'].VM > 1 else ds.WindowWidth)
            else:
                center = None
            if center is None:
                low, high = frame.min(), frame.max()
                expected = (frame - low) / max(high - low, 1) * 255
            else:
                # PS3.3 C.11.2.1.2.1, LINEAR
                expected = ((frame - (center - 0.5)) / (width - 1) + 0.5) * 255
            expected = np.clip(np.round(expected), 0, 255)
            if ds.PhotometricInterpretation == 'MONOCHROME1':
                expected = 255 - expected
            image = Image.open(sys.argv[3])
            actual = np.asarray(image.convert('L'), dtype=np.float64)
            same_size = actual.shape == expected.shape
            difference = np.abs(actual - expected) if same_size else np.zeros(1)
            print(json.dumps({'format': image.format, 'mode': image.mode, 'width': image.size[0], 'height': image.size[1],
                              'sameSize': same_size, 'maxDifference': float(difference.max()), 'meanDifference': float(difference.mean())}))
        elif command == 'image':
            from PIL import Image
            image = Image.open(sys.argv[2])
            image.load()
            print(json.dumps({'format': image.format, 'mode': image.mode, 'width': image.size[0], 'height': image.size[1]}))
        elif command == 'json':
            ds = read(sys.argv[2], stop_before_pixels=True)
            print(json.dumps(ds.to_json_dict(bulk_data_threshold=1 << 30)))
        """;

    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"gateway-retrieve-oracle-{Environment.ProcessId}.py");
        File.WriteAllText(path, Script);
        return path;
    });

    /// <summary>SHA-256 of the stored pixel values of every frame (as pydicom decodes them, little endian), by file.</summary>
    public static IReadOnlyList<PixelDigest> Digest(IEnumerable<string> files)
    {
        var output = Run(["digest", .. files]);
        return JsonSerializer.Deserialize<List<PixelDigest>>(output, JsonOptions)!;
    }

    /// <summary>Writes native_N.raw (pydicom's decoded frame N) and, for compressed files, encoded_N.raw (its bitstream) into a folder.</summary>
    public static string Frames(string file)
    {
        var folder = Directory.CreateTempSubdirectory("oracle-frames-").FullName;
        Run(["frames", file, folder]);
        return folder;
    }

    /// <summary>Compares a rendered image with the window pydicom's values give (the header's, the given one, or min-max).</summary>
    public static RenderComparison Render(string dicomFile, string image, int frame, double? center = null, double? width = null)
    {
        List<string> arguments = ["render", dicomFile, image, frame.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (center is { } c && width is { } w)
        {
            arguments.Add(c.ToString(System.Globalization.CultureInfo.InvariantCulture));
            arguments.Add(w.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return JsonSerializer.Deserialize<RenderComparison>(Run(arguments), JsonOptions)!;
    }

    /// <summary>What PIL makes of an image file.</summary>
    public static RenderComparison Image(string image) => JsonSerializer.Deserialize<RenderComparison>(Run(["image", image]), JsonOptions)!;

    /// <summary>pydicom's DICOM JSON of a file's header (values inline).</summary>
    public static JsonElement Json(string file) => JsonDocument.Parse(Run(["json", file])).RootElement;

    private static string Run(IEnumerable<string> arguments) =>
        ExternalTool.RunChecked(ExternalTool.DebianPython, [ScriptPath.Value, .. arguments], "python3-pydicom python3-gdcm python3-numpy python3-pil");

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };
}

internal sealed record PixelDigest(string Path, string Sop, string Ts, string Sha);

internal sealed record RenderComparison(string Format, string Mode, int Width, int Height, bool SameSize, double MaxDifference, double MeanDifference);
