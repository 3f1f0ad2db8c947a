using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Our SCU storing into Debian's Orthanc: what Orthanc's REST API reports and returns is compared with the files
/// sent (pydicom for elements, pydicom + GDCM / DCMTK for the pixels of transcoded files).
/// </summary>
public sealed class ScuIntoOrthancTests
{
    [Fact]
    public async Task Our_client_stores_every_file_into_Orthanc_in_its_own_transfer_syntax()
    {
        // Everything but most of the MR series (its 192 files are alike): still over 100 files in 19 syntaxes.
        // Orthanc refuses (A700) instances without Study and Series Instance UIDs, which two test files lack.
        var files = InteropFiles.All().Where(file => !file.Path.Contains(InteropFiles.MrSeries, StringComparison.Ordinal)).Concat(InteropFiles.Mr().Take(10))
            .Where(HasStudyAndSeries).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} files");
        using var orthanc = await OrthancPeer.StartAsync();

        var outcomes = await Client(orthanc).StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, $"{outcome.Path}: {outcome.Status} {outcome.Error}"));
        var stored = await orthanc.InstancesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(files.Count, stored.Count);
        // Implicit VR files may go as explicit: both are proposed in one context and Orthanc picks explicit.
        var wrongSyntax = files.Where(file => stored[file.SopInstanceUid].TransferSyntaxUid != file.TransferSyntaxUid
                && !(file.TransferSyntaxUid == DicomTransferSyntax.ImplicitVRLittleEndian.Uid && stored[file.SopInstanceUid].TransferSyntaxUid == DicomTransferSyntax.ExplicitVRLittleEndian.Uid))
            .Select(file => $"{file.Path}: {stored[file.SopInstanceUid].TransferSyntaxUid}").ToList();
        Assert.True(wrongSyntax.Count == 0, "not stored in their own syntax:\n" + string.Join('\n', wrongSyntax));
        await AssertSameElementsAsync(orthanc, files, stored, skipPixelData: false);
    }

    [Fact]
    public async Task Our_client_transcodes_what_Orthanc_does_not_accept_and_sends_the_rest_as_it_is()
    {
        // One MR slice in nine syntaxes; this Orthanc takes neither JPEG 2000 nor big endian.
        var folder = TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes");
        var files = InteropFiles.All().Where(file => file.Path.StartsWith(folder, StringComparison.Ordinal)).ToList();
        Assert.Equal(9, files.Count);
        string[] accepted =
        [
            DicomTransferSyntax.ImplicitVRLittleEndian.Uid, DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.RleLossless.Uid,
            DicomTransferSyntax.JpegLosslessSV1.Uid, DicomTransferSyntax.JpegLSLossless.Uid,
        ];
        using var orthanc = await OrthancPeer.StartAsync(accepted);

        var outcomes = await Client(orthanc).StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, $"{outcome.Path}: {outcome.Status} {outcome.Error}"));
        var stored = await orthanc.InstancesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(files.Count, stored.Count);
        foreach (var file in files)
        {
            // Implicit VR goes as explicit (both are proposed together, Orthanc prefers explicit); the rest keep
            // their syntax where Orthanc accepts it, and become Explicit VR Little Endian where it does not.
            var expected = accepted.Contains(file.TransferSyntaxUid) && file.TransferSyntaxUid != DicomTransferSyntax.ImplicitVRLittleEndian.Uid
                ? file.TransferSyntaxUid
                : DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
            Assert.True(expected == stored[file.SopInstanceUid].TransferSyntaxUid, $"{file.Path} ({file.TransferSyntaxUid}) was stored as {stored[file.SopInstanceUid].TransferSyntaxUid}");
        }

        var downloaded = await AssertSameElementsAsync(orthanc, files, stored, skipPixelData: true);
        Assert.Empty(StoreOracles.PixelDifferences(downloaded));
    }

    private static async Task<List<(string Expected, string Actual)>> AssertSameElementsAsync(
        OrthancPeer orthanc, List<InteropFile> files, IReadOnlyDictionary<string, (string Id, string TransferSyntaxUid)> stored, bool skipPixelData)
    {
        var folder = Directory.CreateDirectory(Path.Combine(orthanc.Folder, "downloaded")).FullName;
        var pairs = new List<(string Expected, string Actual)>();
        foreach (var file in files)
        {
            pairs.Add((file.Path, await orthanc.DownloadAsync(stored[file.SopInstanceUid].Id, folder, TestContext.Current.CancellationToken)));
        }

        var differences = StoreOracles.DataSetDifferences(pairs, skipPixelData);
        Assert.True(differences.Count == 0, $"{differences.Count} of {files.Count} files changed in Orthanc:\n" + string.Join('\n', differences.Take(20)));
        return pairs;
    }

    private static bool HasStudyAndSeries(InteropFile file)
    {
        var dataSet = DicomFile.Open(file.Path, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        return !string.IsNullOrEmpty(dataSet.GetString(DicomTags.StudyInstanceUID)) && !string.IsNullOrEmpty(dataSet.GetString(DicomTags.SeriesInstanceUID));
    }

    private static DicomClient Client(OrthancPeer orthanc) =>
        new("127.0.0.1", orthanc.DicomPort, OrthancPeer.AETitle, new DicomClientOptions { CallingAE = "GATEWAY" });
}
