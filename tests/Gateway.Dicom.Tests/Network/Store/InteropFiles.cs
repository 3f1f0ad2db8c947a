namespace Gateway.Dicom.Tests.Network;

/// <summary>One file sent in the interoperability tests, as its File Meta Information describes it.</summary>
internal sealed record InteropFile(string Path, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid)
{
    /// <summary>Not encapsulated: storescu can send it with implicit or explicit VR proposals.</summary>
    public bool IsNative => !DicomTransferSyntax.FromUid(TransferSyntaxUid).IsEncapsulated;
}

/// <summary>
/// The files the storage interoperability tests send: the whole MR series and the CT slices of
/// shared/data/volumes, plus every Part 10 file of dicom-conformance that DCMTK 3.6.7 can send (one per SOP
/// Instance UID, since the folder archive keeps one file per instance).
/// </summary>
internal static class InteropFiles
{
    public const string MrSeries = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    public const string CtSlices = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU";

    /// <summary>Files left out, and why: DCMTK 3.6.7 cannot read or send them, or the folder archive refuses them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dicom-conformance/fo-dicom/DIRW0007_US_multiframe.dcm"] = "storescu: Item Delimitation Item missing",
        ["dicom-conformance/fo-dicom/GH364.dcm"] = "storescu: Invalid tag",
        ["dicom-conformance/fo-dicom/GH626.dcm"] = "storescu: premature end of stream",
        ["dicom-conformance/fo-dicom/Issue1097_FailToOpenDeflatedFileWithSQ.dcm"] = "private SOP class 2.25.…, not a storage SOP class the folder archive accepts",
        ["dicom-conformance/pydicom-data/HTJ2KLossless_08_RGB.dcm"] = "HTJ2K is unknown to DCMTK 3.6.7",
        ["dicom-conformance/pydicom-data/HTJ2K_08_RGB.dcm"] = "HTJ2K is unknown to DCMTK 3.6.7",
        ["dicom-conformance/pydicom-data/liver_deflate.dcm"] = "Deflated Image Frame Compression is unknown to DCMTK 3.6.7",
        ["dicom-conformance/pydicom-data/explicit_VR-UN.dcm"] = "storescu: no SOP Class or Instance UID (they are UN)",
    };

    private static readonly Lazy<IReadOnlyList<InteropFile>> Selected = new(Select);

    /// <summary>Every selected file (skips the test when shared/data is absent).</summary>
    public static IReadOnlyList<InteropFile> All()
    {
        TestData.RequireSharedData(MrSeries);
        return Selected.Value;
    }

    public static IReadOnlyList<InteropFile> Native() => [.. All().Where(file => file.IsNative)];

    public static IReadOnlyList<InteropFile> Mr() => [.. All().Where(file => file.Path.Contains(MrSeries, StringComparison.Ordinal))];

    private static List<InteropFile> Select()
    {
        var root = TestData.SharedData!;
        var candidates = new List<string>();
        candidates.AddRange(Directory.EnumerateFiles(Path.Combine(root, MrSeries), "*.dcm").Order(StringComparer.Ordinal));
        candidates.AddRange(Directory.EnumerateFiles(Path.Combine(root, CtSlices), "*.dcm").Order(StringComparer.Ordinal));
        candidates.AddRange(Directory.EnumerateFiles(Path.Combine(root, "dicom-conformance"), "*", SearchOption.AllDirectories)
            .Where(path => !Excluded.ContainsKey(Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Order(StringComparer.Ordinal));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<InteropFile>();
        foreach (var path in candidates)
        {
            Part10Bytes part10;
            try
            {
                part10 = Part10Bytes.Read(path);
            }
            catch (InvalidDataException)
            {
                continue; // no File Meta Information (raw data sets, READMEs)
            }

            // storescu takes the UIDs from the data set: files whose data set disagrees with the meta header (or has
            // none, like DICOMDIR) cannot be stored under the meta header's identity.
            var dataSet = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            if (part10.TransferSyntaxUid.Length > 0 && part10.SopInstanceUid.Length > 0
                && dataSet.GetString(DicomTags.SOPClassUID) == part10.SopClassUid
                && dataSet.GetString(DicomTags.SOPInstanceUID) == part10.SopInstanceUid
                && seen.Add(part10.SopInstanceUid))
            {
                files.Add(new InteropFile(path, part10.SopClassUid, part10.SopInstanceUid, part10.TransferSyntaxUid));
            }
        }

        return files;
    }
}
