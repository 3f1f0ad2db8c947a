using System.Globalization;

namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>
/// Compares the whole dictionary with pydicom's (Debian's python3-pydicom), an independent transcription
/// of PS3.6: every keyword, VR, VM and retired flag of the elements both know, and every registered UID.
/// </summary>
public class PydicomOracleTests
{
    private const string Script = """
        import sys
        try:
            from pydicom.datadict import DicomDictionary, RepeatersDictionary
            from pydicom._uid_dict import UID_dictionary
        except ImportError as error:
            sys.exit(f"pydicom is missing ({error}); apt-get install python3-pydicom")
        for tag, (vr, vm, name, retired, keyword) in sorted(DicomDictionary.items()):
            print(f"T\t{tag:08X}\t{vr}\t{vm}\t{retired}\t{keyword}")
        for mask, (vr, vm, name, retired, keyword) in sorted(RepeatersDictionary.items()):
            print(f"R\t{mask.upper()}\t{vr}\t{vm}\t{retired}\t{keyword}")
        for uid, (name, kind, info, retired, keyword) in sorted(UID_dictionary.items()):
            print(f"U\t{uid}\t{name}\t{kind}\t{retired}\t{keyword}")
        """;

    // DCMTK 3.6.7 follows PS3.6 2022b, pydicom 2.3.1 an earlier 2022 edition; these are the differences.
    private static readonly HashSet<uint> RetiredStatusDiffers = [0x213000A0, 0x213000C0];

    private static readonly Lazy<Task<string[][]>> Rows = new(LoadAsync);

    private static async Task<string[][]> LoadAsync()
    {
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", Script], "python3-pydicom");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToArray();
    }

    [Fact]
    public async Task Every_element_pydicom_knows_by_keyword_has_the_same_keyword_VR_VM_and_status_here()
    {
        var rows = (await Rows.Value).Where(r => r[0] == "T" && r[5].Length > 0).ToList();
        Assert.True(rows.Count > 4500, $"pydicom listed only {rows.Count} elements");

        var failures = new List<string>();
        var compared = 0;
        foreach (var row in rows)
        {
            var tag = new DicomTag(uint.Parse(row[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var entry = DicomDictionary.Lookup(tag);
            if (entry is null)
            {
                failures.Add($"{tag} {row[5]}: not in our dictionary");
                continue;
            }

            compared++;
            var retired = row[4] == "Retired";
            var problem = Compare(entry, row[5], row[2], row[3], RetiredStatusDiffers.Contains(tag.Value) ? entry.IsRetired : retired);
            if (problem is not null)
            {
                failures.Add($"{tag}: {problem}");
            }
        }

        Assert.Empty(failures);
        Assert.True(compared > 4500);
    }

    [Fact]
    public async Task Every_repeating_group_pydicom_knows_resolves_to_the_same_entry()
    {
        var rows = (await Rows.Value).Where(r => r[0] == "R").ToList();
        Assert.Contains(rows, r => r[1] == "60XX3000");

        var failures = new List<string>();
        foreach (var row in rows)
        {
            var (pattern, keyword) = (row[1], row[5]);
            if (!DicomDictionary.TryGetTag(keyword, out var tag))
            {
                failures.Add($"{pattern} {keyword}: keyword unknown here");
                continue;
            }

            if (!MatchesPattern(tag, pattern))
            {
                failures.Add($"{pattern} {keyword}: our tag {tag} is outside the family");
                continue;
            }

            var entry = DicomDictionary.Lookup(tag)!;
            var problem = Compare(entry, keyword, row[2], row[3], row[4] == "Retired");
            if (problem is not null)
            {
                failures.Add($"{pattern}: {problem}");
            }

            // Where we hold the family as a range (DCMTK lists some retired ACR-NEMA families by one member
            // only), another member must resolve too: x -> 2 keeps groups and elements even.
            if (entry.Mask != uint.MaxValue)
            {
                var other = new DicomTag(uint.Parse(pattern.Replace('X', '2'), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                if (DicomDictionary.Lookup(other)?.Keyword != keyword)
                {
                    failures.Add($"{pattern}: {other} does not resolve to {keyword}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_UID_pydicom_registers_has_the_same_name_keyword_type_and_status_here()
    {
        var rows = (await Rows.Value).Where(r => r[0] == "U").ToList();
        Assert.True(rows.Count > 400, $"pydicom listed only {rows.Count} UIDs");

        var failures = new List<string>();
        foreach (var row in rows)
        {
            var info = DicomUids.Lookup(row[1]);
            var expectedType = string.Concat(row[3].Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries)
                .Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
            if (info is null)
            {
                failures.Add($"{row[1]}: not found");
            }
            else if (info.Name != row[2] || info.Keyword != row[5] || info.Type.ToString() != expectedType || info.IsRetired != (row[4] == "Retired"))
            {
                failures.Add($"{row[1]}: ours {info}, pydicom {string.Join(" | ", row[2..])}");
            }
        }

        Assert.Empty(failures);
    }

    private static string? Compare(DicomDictionaryEntry entry, string keyword, string vr, string vm, bool retired)
    {
        var expectedVRs = vr == "NONE" ? [] : vr.Split(" or ").Order(StringComparer.Ordinal).ToArray();
        var actualVRs = entry.VRs.Select(v => v.Code).Order(StringComparer.Ordinal).ToArray();
        if (entry.Keyword != keyword || !expectedVRs.SequenceEqual(actualVRs) || entry.VM.Text != vm || entry.IsRetired != retired)
        {
            return $"ours {entry}, pydicom {keyword} {vr} {vm}{(retired ? " (retired)" : string.Empty)}";
        }

        return null;
    }

    private static bool MatchesPattern(DicomTag tag, string pattern)
    {
        var hex = tag.ToHexString();
        return pattern.Length == 8 && hex.Zip(pattern).All(p => p.Second == 'X' || p.First == p.Second);
    }
}
