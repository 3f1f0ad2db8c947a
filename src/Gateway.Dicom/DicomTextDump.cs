using System.Globalization;
using System.Text;

namespace Gateway.Dicom;

/// <summary>A human-readable listing of a file, one element a line, nested items indented (in the manner of dcmdump).</summary>
public static class DicomTextDump
{
    private const int ValueColumn = 52;
    private const int MaxValueCharacters = 64;

    public static void Write(DicomFile file, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("# File Meta Information" + (file.Preamble is null ? " (no preamble)" : string.Empty));
        WriteDataset(file.FileMetaInformation, writer, 0);
        writer.WriteLine($"# Data Set: {file.TransferSyntax}");
        WriteDataset(file.Dataset, writer, 0);
        foreach (var warning in file.Warnings)
        {
            writer.WriteLine($"# Warning: {warning}");
        }
    }

    public static void WriteDataset(DicomDataset dataset, TextWriter writer, int depth)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var element in dataset)
        {
            var keyword = Keyword(dataset, element.Tag);
            switch (element)
            {
                case DicomSequence sequence:
                    Line(writer, depth, element, $"({sequence.Items.Count} item(s))", sequence.UndefinedLength ? "u/l" : "-", sequence.Items.Count, keyword);
                    for (var i = 0; i < sequence.Items.Count; i++)
                    {
                        writer.WriteLine($"{Indent(depth + 1)}(FFFE,E000) na Item {i + 1}");
                        WriteDataset(sequence.Items[i], writer, depth + 2);
                    }

                    break;
                case DicomFragmentSequence fragments:
                    var total = fragments.Fragments.Sum(fragment => (long)fragment.Length);
                    Line(writer, depth, element, $"(encapsulated: offset table {fragments.BasicOffsetTable.Length} bytes, {fragments.Fragments.Count} fragment(s), {total} bytes)", "u/l", 1, keyword);
                    break;
                case DicomValueElement value:
                    Line(writer, depth, element, Display(dataset, value), value.Length.ToString(CultureInfo.InvariantCulture), dataset.GetValueCount(value.Tag), keyword);
                    break;
            }
        }
    }

    private static void Line(TextWriter writer, int depth, DicomElement element, string value, string length, int multiplicity, string keyword)
    {
        var text = new StringBuilder();
        text.Append(Indent(depth)).Append(element.Tag).Append(' ').Append(element.VR.Code).Append(' ').Append(value);
        if (text.Length < ValueColumn)
        {
            text.Append(' ', ValueColumn - text.Length);
        }

        text.Append(CultureInfo.InvariantCulture, $" # {length,4}, {multiplicity} {keyword}");
        writer.WriteLine(text.ToString());
    }

    private static string Display(DicomDataset dataset, DicomValueElement element)
    {
        if (element.Length == 0)
        {
            return "(no value)";
        }

        if (element.VR.IsText)
        {
            return Shorten("[" + dataset.GetString(element.Tag) + "]");
        }

        if (element.VR.Kind == VRKind.Binary)
        {
            return Shorten(string.Join('\\', dataset.GetStrings(element.Tag)));
        }

        var span = element.Value.Span;
        var hex = Convert.ToHexString(span[..Math.Min(span.Length, 16)]);
        return span.Length > 16 ? $"{hex}... ({span.Length} bytes)" : hex;
    }

    private static string Shorten(string text) =>
        text.Length <= MaxValueCharacters ? text : string.Concat(text.AsSpan(0, MaxValueCharacters - 3), "...");

    private static string Keyword(DicomDataset dataset, DicomTag tag)
    {
        var creator = dataset.GetPrivateCreator(tag);

        return DicomDictionary.Lookup(tag, creator)?.Keyword ?? (tag.IsPrivateCreator ? "PrivateCreator" : tag.IsPrivate ? "Private" : "Unknown");
    }

    private static string Indent(int depth) => new(' ', depth * 2);
}
