using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Our SCU (<see cref="DicomClient.StoreAsync"/>) storing into DCMTK storescp: every file arrives with the same
/// element values (pydicom compares them); compressed files travel as they are where storescp accepts their
/// syntax and are transcoded, pixel for pixel (pydicom + GDCM / DCMTK decode both), where it does not.
/// </summary>
public sealed class ScuIntoStorescpTests
{
    /// <summary>JPEG processes that storescp 3.6.7's <c>+xa</c> does not accept (it lists process 14 only with selection value 1).</summary>
    private static readonly HashSet<string> NotAcceptedByStorescp =
        [DicomTransferSyntax.JpegSpectralSelection.Uid, DicomTransferSyntax.JpegFullProgression.Uid, DicomTransferSyntax.JpegLossless.Uid];

    private const string BrokenJpeg2000 = "pylibjpeg-data/966.dcm";

    [Fact]
    public async Task Our_client_stores_every_file_into_storescp_keeping_the_compressed_syntaxes_it_accepts()
    {
        var files = InteropFiles.All();
        using var storescp = await StorescpPeer.StartAsync("STORESCP", "+xa");

        var outcomes = await Client(storescp).StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, $"{outcome.Path}: {outcome.Status} {outcome.Error}"));
        var received = storescp.ReceivedFiles();
        Assert.Equal(files.Count, received.Count);
        var transcoded = new List<(string, string)>();
        foreach (var file in files)
        {
            var stored = Part10Bytes.Read(received[file.SopInstanceUid]);
            if (!NotAcceptedByStorescp.Contains(file.TransferSyntaxUid))
            {
                // Implicit VR files may go as Explicit VR Little Endian (proposed together, storescp prefers explicit).
                Assert.True(file.TransferSyntaxUid == stored.TransferSyntaxUid || file.TransferSyntaxUid == DicomTransferSyntax.ImplicitVRLittleEndian.Uid,
                    $"{file.Path} went as {stored.TransferSyntaxUid}, not in its own {file.TransferSyntaxUid}");
            }
            else
            {
                Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, stored.TransferSyntaxUid);
                transcoded.Add((file.Path, received[file.SopInstanceUid]));
            }
        }

        var sameSyntax = files.Where(file => !transcoded.Any(pair => pair.Item1 == file.Path)).Select(file => (file.Path, received[file.SopInstanceUid])).ToList();
        var differences = StoreOracles.DataSetDifferences(sameSyntax).Concat(StoreOracles.DataSetDifferences(transcoded, skipPixelData: true)).ToList();
        Assert.True(differences.Count == 0, $"{differences.Count} of {files.Count} files arrived changed:\n" + string.Join('\n', differences.Take(20)));
        Assert.Empty(StoreOracles.PixelDifferences(transcoded));
        TestContext.Current.TestOutputHelper?.WriteLine($"{files.Count} files stored into storescp, {transcoded.Count} transcoded");
    }

    [Fact]
    public async Task Our_client_transcodes_losslessly_compressed_files_pixel_for_pixel_for_a_storescp_that_accepts_only_uncompressed_syntaxes()
    {
        var files = InteropFiles.All().Where(file => !file.IsNative && !DicomTransferSyntax.FromUid(file.TransferSyntaxUid).IsLossy).ToList();
        Assert.True(files.Count >= 15, $"only {files.Count} losslessly compressed files");
        using var storescp = await StorescpPeer.StartAsync("STORESCP");

        var outcomes = await Client(storescp).StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        // 966.dcm's JPEG 2000 codestream is truncated (GDCM and opj_decompress fail on it too): it cannot be
        // transcoded, fails alone, and the files after it on the same association are still stored.
        var broken = Assert.Single(outcomes, outcome => !outcome.Succeeded);
        Assert.EndsWith(BrokenJpeg2000, broken.Path, StringComparison.Ordinal);
        Assert.Contains("decod", broken.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(outcomes.ToList().IndexOf(broken) < outcomes.Count - 1, "the broken file should not be the last one sent");
        var received = storescp.ReceivedFiles();
        var pairs = files.Where(file => file.Path != broken.Path).Select(file => (file.Path, received[file.SopInstanceUid])).ToList();
        Assert.Equal(pairs.Count, received.Count);
        Assert.All(pairs, pair => Assert.False(DicomTransferSyntax.FromUid(Part10Bytes.Read(pair.Item2).TransferSyntaxUid).IsEncapsulated, pair.Item1));
        Assert.Empty(StoreOracles.PixelDifferences(pairs));

        // Decompressing JPEG 2000 with the reversible colour transform gives RGB (PS3.5 8.2.4): the one change allowed.
        var differences = StoreOracles.DataSetDifferences(pairs, skipPixelData: true, allow: [("00280004", "YBR_RCT", "RGB")]);
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private static DicomClient Client(StorescpPeer storescp) =>
        new("127.0.0.1", storescp.Port, storescp.AETitle, new DicomClientOptions { CallingAE = "GATEWAY" });
}
