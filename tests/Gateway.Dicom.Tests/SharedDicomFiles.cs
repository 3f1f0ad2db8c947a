namespace Gateway.Dicom.Tests;

/// <summary>The DICOM files of ../shared/data that the conformance tests run over.</summary>
internal static class SharedDicomFiles
{
    public static readonly string[] Folders = ["dicom-conformance", "xray/dicom", "volumes"];

    /// <summary>Every file under the three folders (skips the test when shared/data is absent).</summary>
    public static IReadOnlyList<string> All()
    {
        var files = new List<string>();
        foreach (var folder in Folders)
        {
            var root = TestData.RequireSharedData(folder);
            files.AddRange(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(path => !path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)));
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public static string Relative(string path) => Path.GetRelativePath(TestData.SharedData!, path);
}
