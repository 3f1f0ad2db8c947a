using System.Net;
using System.Net.Http.Headers;
using Gateway.Dicom;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>STOW-RS of real files: what the response says (read as plain JSON) and what the archive then holds, byte for byte.</summary>
public sealed class StowTests(PostgresCluster cluster)
{
    private const string ConformanceFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

    [Fact]
    public async Task An_MR_series_sent_chunked_to_its_study_is_stored_bit_exact_and_answered_200_with_retrieve_URLs()
    {
        // 192 files, 43 MB: more than Kestrel's default 30 MB request limit, so this also checks the STOW limit applies.
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var study = DicomFile.Open(files[0], new DicomReadOptions { StopBeforePixelData = true }).Dataset.GetString(DicomTags.StudyInstanceUID)!;
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;

        // Unquoted boundary, quoted type, no Content-Length (chunked).
        using var content = new StreamedFilesContent(files, "unquoted-boundary-7d2");
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=unquoted-boundary-7d2");
        using var response = await gateway.Http.PostAsync(new Uri($"dicomweb/studies/{study}", UriKind.Relative), content, cancellationToken);

        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        var body = await StowResponseJson.ReadAsync(response, cancellationToken);
        Assert.Empty(body.Failed);
        Assert.Equal(files.Count, body.Referenced.Count);
        Assert.Equal($"{gateway.BaseAddress}dicomweb/studies/{study}", body.RetrieveUrl);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        foreach (var file in files)
        {
            var header = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            var sop = header.GetString(DicomTags.SOPInstanceUID)!;
            var url = Assert.Single(body.Referenced, item => item.SopInstanceUid == sop).RetrieveUrl;
            Assert.Equal($"{gateway.BaseAddress}dicomweb/studies/{study}/series/{header.GetString(DicomTags.SeriesInstanceUID)}/instances/{sop}", url);
            await probe.AssertStoredBitExactAsync(sop, file);
        }
    }

    [Fact]
    public async Task Conformance_files_in_nine_transfer_syntaxes_with_a_quoted_boundary_and_a_content_length_are_all_stored()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData(ConformanceFolder), "*.dcm").Order(StringComparer.Ordinal).ToList();
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;

        using var content = new ByteArrayContent(MultipartBody.OfFiles(files));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=application/dicom; boundary=\"{MultipartBody.Boundary}\"");
        using var response = await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await StowResponseJson.ReadAsync(response, cancellationToken);
        Assert.Equal(files.Count, body.Referenced.Count);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        foreach (var file in files)
        {
            await probe.AssertStoredBitExactAsync(DicomFile.Open(file).Dataset.GetString(DicomTags.SOPInstanceUID)!, file);
        }

        var (instances, objects, objectFiles) = await probe.CountAsync();
        Assert.Equal(files.Count, instances);
        Assert.Equal(files.Count, objects);
        Assert.Equal(files.Count, objectFiles);
    }

    [Fact]
    public async Task A_different_instance_under_a_stored_SOP_Instance_UID_fails_with_0111_beside_stored_ones_and_the_answer_is_202()
    {
        var folder = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes");
        var first = Path.Combine(folder, "CTImage.dcm");
        // The same data set in explicit VR: an identical resend (issue 13 point 7), not a different instance.
        var sameContent = Path.Combine(folder, "CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm");
        var other = Path.Combine(folder, "CTImage.dcm_JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91.dcm");
        var changed = DicomFile.Open(first);
        changed.Dataset.SetString(DicomTags.StudyDescription, DicomVR.LO, "CHANGED");
        using var changedBytes = new MemoryStream();
        changed.Save(changedBytes);
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;

        var parts = new[] { File.ReadAllBytes(first), File.ReadAllBytes(sameContent), changedBytes.ToArray(), File.ReadAllBytes(other), File.ReadAllBytes(first) };
        using var content = new ByteArrayContent(MultipartBody.Build(parts.Select(part => ("application/dicom", part))));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        using var response = await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await StowResponseJson.ReadAsync(response, cancellationToken);
        var uid = DicomFile.Open(first).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        var failed = Assert.Single(body.Failed);
        Assert.Equal((uid, 0x0111), failed);

        // The first copy, its identical resends (explicit VR, byte for byte) and the other instance count as stored.
        Assert.Equal(4, body.Referenced.Count);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        await probe.AssertStoredBitExactAsync(uid, first);
        await probe.AssertStoredBitExactAsync(DicomFile.Open(other).Dataset.GetString(DicomTags.SOPInstanceUID)!, other);
        Assert.Equal(2, (await probe.CountAsync()).Files);
    }

    /// <summary>A multipart body written while it is sent, of unknown length (so HttpClient sends it chunked).</summary>
    private sealed class StreamedFilesContent(IReadOnlyList<string> files, string boundary) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            MultipartBody.WriteFilesAsync(stream, files, boundary, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
