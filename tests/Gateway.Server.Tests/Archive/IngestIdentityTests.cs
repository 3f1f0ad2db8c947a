using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Stow;

namespace Gateway.Server.Tests.Archive;

/// <summary>
/// Issue 13 points 6 and 7, through a whole gateway with DCMTK's storescu and STOW-RS: what counts as the same
/// instance (identical content, however it was sent), and what may not join a study (another patient).
/// </summary>
public sealed class IngestIdentityTests(PostgresCluster cluster)
{
    private const string Folder = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes";
    private const string Original = Folder + "/CTImage.dcm";
    private const string J2kLossless = Folder + "/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm";
    private const string Deflated = Folder + "/CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm";

    /// <summary>pydicom: the data sets are the same apart from group 0002 and group lengths, and the decoded pixels are equal.</summary>
    private const string SameContentOracle =
        """
        import sys, numpy, pydicom
        a, b = (pydicom.dcmread(path) for path in sys.argv[1:3])
        def elements(d):
            return {e.tag: e.value for e in d if e.tag.group != 2 and e.tag.element != 0 and e.tag != 0x7FE00010}
        print("same" if elements(a) == elements(b) and numpy.array_equal(a.pixel_array, b.pixel_array) else "different")
        """;

    [Fact]
    public async Task Point07_identical_resends_from_another_AE_title_in_other_transfer_syntaxes_and_by_STOW_after_C_STORE_succeed()
    {
        var original = TestData.RequireSharedData(Original);
        var j2k = TestData.RequireSharedData(J2kLossless);
        var deflated = TestData.RequireSharedData(Deflated);
        foreach (var copy in new[] { j2k, deflated })
        {
            Assert.Equal("same", ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", SameContentOracle, original, copy], "python3-pydicom").Trim());
        }

        var uid = DicomFile.Open(original).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);

        AssertStoreSucceeded(Storescu(gateway, "MODALITY-A", ["-xi"], original), "first C-STORE (implicit VR)");
        var stored = await probe.FindAsync(uid);

        AssertStoreSucceeded(Storescu(gateway, "MODALITY-B", ["-xi"], original), "the same file from another calling AE title");
        AssertStoreSucceeded(Storescu(gateway, "MODALITY-A", ["-xe"], original), "the same data set in explicit VR little endian");
        AssertStoreSucceeded(Storescu(gateway, "MODALITY-A", ["-xv"], j2k), "its JPEG 2000 lossless version");
        foreach (var file in new[] { original, deflated })
        {
            var (status, body) = await StowAsync(gateway, File.ReadAllBytes(file));
            Assert.True(status == HttpStatusCode.OK, $"STOW-RS of {Path.GetFileName(file)} after C-STORE: {status} {body.Root}");
            Assert.Equal(uid, Assert.Single(body.Referenced).SopInstanceUid);
        }

        Assert.Equal(1L, (await probe.CountAsync()).Instances);
        Assert.Equal(stored, await probe.FindAsync(uid)); // nothing was replaced: the first object is the one kept
    }

    [Fact]
    public async Task Point07_a_resend_with_the_same_UID_and_different_content_is_still_refused()
    {
        var original = TestData.RequireSharedData(Original);
        var uid = DicomFile.Open(original).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        AssertStoreSucceeded(Storescu(gateway, "MODALITY-A", [], original), "first C-STORE");
        var stored = await probe.FindAsync(uid);

        using var folder = new TemporaryFolder();
        var otherHeader = folder.Write("other-header.dcm", Modified(original, dataset => dataset.SetString(DicomTags.StudyDescription, DicomVR.LO, "CHANGED")));
        var otherPixel = folder.Write("other-pixel.dcm", Modified(original, dataset => FlipFirstPixel(dataset)));

        foreach (var file in new[] { otherHeader, otherPixel })
        {
            var output = Storescu(gateway, "MODALITY-A", [], file);
            Assert.True(output.Contains("Received Store Response (Unknown Status: 0x111)", StringComparison.Ordinal), output); // DCMTK 3.6.7's words for 0111H
            var (status, body) = await StowAsync(gateway, File.ReadAllBytes(file));
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal((uid, 0x0111), Assert.Single(body.Failed));
        }

        Assert.Equal(stored, await probe.FindAsync(uid));
    }

    [Fact]
    public async Task Point06_an_instance_whose_patient_id_or_issuer_differs_from_its_studys_is_refused_with_a_reason_and_the_study_is_unchanged()
    {
        var original = TestData.RequireSharedData(Original);
        var header = DicomFile.Open(original).Dataset;
        var study = header.GetString(DicomTags.StudyInstanceUID)!;
        var patientId = header.GetString(DicomTags.PatientID)!;
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var (first, _) = await StowAsync(gateway, File.ReadAllBytes(original));
        Assert.Equal(HttpStatusCode.OK, first);

        using var folder = new TemporaryFolder();
        var otherId = folder.Write("other-id.dcm", Modified(original, dataset =>
        {
            dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1013.6.1");
            dataset.SetString(DicomTags.PatientID, DicomVR.LO, "INJECTED-1");
        }));
        var otherIssuer = folder.Write("other-issuer.dcm", Modified(original, dataset =>
        {
            dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1013.6.2");
            dataset.SetString(DicomTags.IssuerOfPatientID, DicomVR.LO, "OTHER-HOSPITAL");
        }));

        // C-STORE: a failure status (0xC409) with an Error Comment (0000,0902) that names the conflict.
        var output = Storescu(gateway, "MODALITY-A", ["-d"], otherId);
        Assert.False(output.Contains("Received Store Response (Success)", StringComparison.Ordinal), output);
        Assert.True(output.Contains("0xc409", StringComparison.OrdinalIgnoreCase), output);
        Assert.True(output.Contains("(0000,0902)", StringComparison.Ordinal) && output.Contains("Patient ID", StringComparison.Ordinal), output);

        // STOW-RS: 409 with Failure Reason C409H and the reason in Error Comment.
        foreach (var file in new[] { otherId, otherIssuer })
        {
            var (status, body) = await StowAsync(gateway, File.ReadAllBytes(file));
            Assert.True(status == HttpStatusCode.Conflict, $"{status} {body.Root}");
            var failed = Assert.Single(body.Root.GetProperty("00081198").GetProperty("Value").EnumerateArray());
            Assert.Equal(0xC409, failed.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
            Assert.Contains("Patient ID", failed.GetProperty("00000902").GetProperty("Value")[0].GetString(), StringComparison.Ordinal);
        }

        // The study is as it was: one instance, its patient, and no study under the injected ID.
        using var instances = JsonDocument.Parse(await gateway.Http.GetStringAsync(new Uri($"dicomweb/studies/{study}/instances", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Single(instances.RootElement.EnumerateArray());
        using var studies = JsonDocument.Parse(await gateway.Http.GetStringAsync(new Uri($"dicomweb/studies?StudyInstanceUID={study}&includefield=00100021", UriKind.Relative), TestContext.Current.CancellationToken));
        var found = Assert.Single(studies.RootElement.EnumerateArray());
        Assert.Equal(patientId, found.GetProperty("00100020").GetProperty("Value")[0].GetString());
        Assert.False(found.TryGetProperty("00100021", out var issuer) && issuer.TryGetProperty("Value", out _));
        using var injected = await gateway.Http.GetAsync(new Uri("dicomweb/studies?PatientID=INJECTED-1", UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await injected.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(injected.StatusCode == HttpStatusCode.NoContent || text.Trim() == "[]", text);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        Assert.Equal((1L, 1L, 1), await probe.CountAsync());
    }

    [Fact]
    public async Task Point06_duplicate_policy_Replace_replaces_only_for_the_calling_AE_titles_allowed_to_and_never_over_STOW()
    {
        var original = TestData.RequireSharedData(Original);
        var uid = DicomFile.Open(original).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["DuplicatePolicy"] = "Replace",
            ["DuplicateReplaceCallingAETitles:0"] = "PACS-ADMIN",
        });
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        AssertStoreSucceeded(Storescu(gateway, "MODALITY-A", [], original), "first C-STORE");
        var stored = await probe.FindAsync(uid);

        using var folder = new TemporaryFolder();
        var changed = folder.Write("changed.dcm", Modified(original, dataset => dataset.SetString(DicomTags.StudyDescription, DicomVR.LO, "CORRECTED")));

        var (status, body) = await StowAsync(gateway, File.ReadAllBytes(changed));
        Assert.True(status == HttpStatusCode.Conflict, $"STOW-RS replaced a stored instance: {status} {body.Root}");
        Assert.Equal((uid, 0x0111), Assert.Single(body.Failed));
        var intruder = Storescu(gateway, "INTRUDER", [], changed);
        Assert.False(intruder.Contains("Received Store Response (Success)", StringComparison.Ordinal), intruder);
        Assert.Equal(stored, await probe.FindAsync(uid));

        AssertStoreSucceeded(Storescu(gateway, "PACS-ADMIN", [], changed), "a replacement from an allowed calling AE title");
        var replaced = await probe.FindAsync(uid);
        Assert.NotEqual(stored!.Value.Key, replaced!.Value.Key);
    }

    private static string Storescu(GatewayInstance gateway, string callingAE, IEnumerable<string> options, string file)
    {
        var (_, output, error) = ExternalTool.Run(
            "storescu", ["-v", .. options, "-aet", callingAE, "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), file], "dcmtk");
        return output + error;
    }

    private static void AssertStoreSucceeded(string output, string what) =>
        Assert.True(output.Contains("Received Store Response (Success)", StringComparison.Ordinal), $"{what}:\n{output}");

    private static async Task<(HttpStatusCode Status, StowResponseJson Body)> StowAsync(GatewayInstance gateway, byte[] file)
    {
        using var content = new ByteArrayContent(MultipartBody.Build([("application/dicom", file)]));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        using var response = await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await StowResponseJson.ReadAsync(response, TestContext.Current.CancellationToken));
    }

    private static byte[] Modified(string path, Action<DicomDataset> change)
    {
        var file = DicomFile.Open(path);
        change(file.Dataset);
        using var output = new MemoryStream();
        file.Save(output);
        return output.ToArray();
    }

    private static void FlipFirstPixel(DicomDataset dataset)
    {
        var pixels = ((DicomValueElement)dataset.GetElement(DicomTags.PixelData)!).Value.ToArray();
        pixels[0] ^= 0x01;
        dataset.Add(new DicomValueElement(DicomTags.PixelData, DicomVR.OW, pixels));
    }

    private sealed class TemporaryFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("ingest-identity-").FullName;

        public string Write(string name, byte[] content)
        {
            var path = Path.Combine(_path, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
