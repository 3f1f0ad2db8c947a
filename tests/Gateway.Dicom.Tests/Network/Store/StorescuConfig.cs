using System.Text;
using static System.FormattableString;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// DCMTK association negotiation profiles (storescu/storescp <c>-xf FILE PROFILE</c>) for a set of files: the
/// requestor proposes, per SOP class, one context with the uncompressed syntaxes and one context per compressed
/// syntax of its files (PEERS.md §1.2); the acceptor accepts all of them in one context per SOP class.
/// </summary>
internal static class StorescuConfig
{
    public const string Profile = "Files";

    private static readonly string[] Uncompressed = [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid];

    /// <summary>Writes the requestor's profile (for storescu) and returns its path.</summary>
    public static string WriteRequestor(string folder, IEnumerable<InteropFile> files)
    {
        var byClass = Group(files);
        var syntaxes = byClass.SelectMany(pair => pair.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder("[[TransferSyntaxes]]\n[Uncompressed]\n");
        for (var i = 0; i < Uncompressed.Length; i++)
        {
            text.Append(Invariant($"TransferSyntax{i + 1} = {Uncompressed[i]}\n"));
        }

        foreach (var syntax in syntaxes)
        {
            text.Append(Invariant($"[TS{syntaxes.IndexOf(syntax)}]\nTransferSyntax1 = {syntax}\n"));
        }

        text.Append("[[PresentationContexts]]\n[Contexts]\n");
        var count = 0;
        foreach (var (sopClass, compressed) in byClass)
        {
            text.Append(Invariant($"PresentationContext{++count} = {sopClass}\\Uncompressed\n"));
            foreach (var syntax in compressed)
            {
                text.Append(Invariant($"PresentationContext{++count} = {sopClass}\\TS{syntaxes.IndexOf(syntax)}\n"));
            }
        }

        Assert.True(count <= 128, $"{count} presentation contexts: more than one association can propose.");
        return Write(folder, "storescu.cfg", text);
    }

    /// <summary>Writes the acceptor's profile (for storescp) and returns its path.</summary>
    public static string WriteAcceptor(string folder, IEnumerable<InteropFile> files)
    {
        var byClass = Group(files);
        var text = new StringBuilder("[[TransferSyntaxes]]\n");
        var index = 0;
        foreach (var (_, compressed) in byClass)
        {
            text.Append(Invariant($"[Class{index++}]\n"));
            var all = Uncompressed.Append(DicomTransferSyntax.ExplicitVRBigEndian.Uid).Concat(compressed).ToList();
            for (var i = 0; i < all.Count; i++)
            {
                text.Append(Invariant($"TransferSyntax{i + 1} = {all[i]}\n"));
            }
        }

        text.Append("[[PresentationContexts]]\n[Contexts]\n");
        index = 0;
        foreach (var (sopClass, _) in byClass)
        {
            text.Append(Invariant($"PresentationContext{index + 1} = {sopClass}\\Class{index}\n"));
            index++;
        }

        return Write(folder, "storescp.cfg", text);
    }

    private static List<KeyValuePair<string, List<string>>> Group(IEnumerable<InteropFile> files) =>
    [
        .. files.GroupBy(file => file.SopClassUid, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => KeyValuePair.Create(
                group.Key,
                group.Where(file => !file.IsNative || DicomTransferSyntax.FromUid(file.TransferSyntaxUid).IsDeflated)
                    .Select(file => file.TransferSyntaxUid).Distinct().Order(StringComparer.Ordinal).ToList())),
    ];

    private static string Write(string folder, string name, StringBuilder text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text.Append("[[Profiles]]\n[" + Profile + "]\nPresentationContexts = Contexts\n").ToString());
        return path;
    }
}
