namespace Gateway.Server.Tests.Archive;

/// <summary>
/// The damaged and the zero-padded instances of issue 13 (points 2 and 3), written by pydicom
/// (tests/oracle/corrupt_instances.py) from the CT of the shared data into a folder removed on dispose.
/// </summary>
internal sealed class CorruptInstances : IDisposable
{
    public const string Truncated = "truncated.dcm";
    public const string ShortPixels = "short-pixels.dcm";
    public const string UndecodableJ2k = "undecodable-j2k.dcm";
    public const string Padded = "padded.dcm";

    /// <summary>Bytes of zeros after the data set of <see cref="Padded"/>.</summary>
    public const int Padding = 4096;

    private const string CtFolder = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes";

    private readonly string _folder;
    private readonly Dictionary<string, string> _uids;

    private CorruptInstances(string folder, string original, Dictionary<string, string> uids)
    {
        _folder = folder;
        Original = original;
        _uids = uids;
    }

    /// <summary>The native CT that <see cref="Truncated"/>, <see cref="ShortPixels"/> and <see cref="Padded"/> are made from.</summary>
    public string Original { get; }

    public static CorruptInstances Write()
    {
        var ct = TestData.RequireSharedData(CtFolder);
        var native = Path.Combine(ct, "CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm");
        var j2k = Path.Combine(ct, "CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm");
        var folder = Directory.CreateTempSubdirectory("corrupt-").FullName;
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "corrupt_instances.py");
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, [script, native, j2k, folder], "python3-pydicom");
        var uids = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToDictionary(parts => parts[0], parts => parts[1]);
        return new CorruptInstances(folder, native, uids);
    }

    public string PathOf(string name) => Path.Combine(_folder, name);

    public string UidOf(string name) => _uids[name];

    /// <summary>The data set of a Part 10 file (what C-STORE carries): its bytes after the File Meta Information.</summary>
    public static byte[] DataSetOf(string path) => ArchiveProbe.DataSetBytes(File.ReadAllBytes(path)).ToArray();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
