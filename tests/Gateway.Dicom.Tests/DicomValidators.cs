namespace Gateway.Dicom.Tests;

/// <summary>DCMTK's dcmdump and dicom3tools' dciodvfy as judges of the files we write.</summary>
internal static class DicomValidators
{
    /// <summary>
    /// Whether an error dciodvfy reports for our file is one the input already had. The meta group is regenerated
    /// from the data set (Media Storage SOP Instance UID = SOP Instance UID, PS3.10 7.1), so an error on a group
    /// 0002 element counts as the input's when the input had an error about the same value.
    /// </summary>
    public static bool Explained(string error, HashSet<string> inputErrors)
    {
        if (inputErrors.Contains(error))
        {
            return true;
        }

        var value = System.Text.RegularExpressions.Regex.Match(error, "<[^>]*>|\"[^\"]*\"").Value;
        return error.Contains("(0x0002,", StringComparison.Ordinal) && value.Length > 2
            && inputErrors.Any(line => line.Contains(value, StringComparison.Ordinal) || line.Contains("(0x0002,", StringComparison.Ordinal) && line.Split(" - ")[1] == error.Split(" - ")[1]);
    }

    public static HashSet<string> DcmdumpProblems(string path)
    {
        var (_, _, error) = ExternalTool.Run("dcmdump", ["-q", path], "dcmtk");
        return Lines(error, line => line.StartsWith("W:", StringComparison.Ordinal) || line.StartsWith("E:", StringComparison.Ordinal));
    }

    public static HashSet<string> DciodvfyErrors(string path)
    {
        var (_, stdout, stderr) = ExternalTool.Run("dciodvfy", [path], "dicom3tools");
        return Lines(stdout + "\n" + stderr, line => line.StartsWith("Error", StringComparison.Ordinal));
    }

    public static HashSet<string> Lines(string text, Func<string, bool> keep) =>
        text.Split('\n').Select(line => line.Trim()).Where(keep).ToHashSet(StringComparer.Ordinal);
}
