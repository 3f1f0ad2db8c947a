namespace Gateway.Dicom.Tests.Text;

/// <summary>DCMTK's reading of a file's text: dcmconv +U8 converts it to UTF-8 and dcmdump prints the values.</summary>
internal static class DcmtkCharsetOracle
{
    private const string AptPackage = "dcmtk";

    /// <summary>The value DCMTK prints for each top-level element, keyed by "(gggg,eeee)" in upper case.</summary>
    public static IReadOnlyDictionary<string, string> TopLevelValuesAsUtf8(string file)
    {
        var converted = Path.Combine(Path.GetTempPath(), $"charset-{Guid.NewGuid():N}.dcm");
        try
        {
            ExternalTool.RunChecked("dcmconv", ["+U8", file, converted], AptPackage);
            var dump = ExternalTool.RunChecked("dcmdump", ["+L", converted], AptPackage);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in dump.Split('\n'))
            {
                // Top-level lines start with the tag; nested ones are indented.
                var open = line.IndexOf('[', StringComparison.Ordinal);
                var close = line.LastIndexOf(']');
                if (line.StartsWith('(') && open > 0 && close > open)
                {
                    values[line[..11].ToUpperInvariant()] = line[(open + 1)..close];
                }
            }

            return values;
        }
        finally
        {
            File.Delete(converted);
        }
    }
}
