using System.Net;
using System.Security.Cryptography;
using Npgsql;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>WADO-RS retrieve of instances, series and studies, checked against pydicom's decoding of the files sent.</summary>
public sealed class InstanceRetrieveTests(RetrieveGateway fixture) : IClassFixture<RetrieveGateway>
{
    private const string MultipartDicom = "multipart/related; type=\"application/dicom\"";

    private static string[] TransferSyntaxFiles() =>
        Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.TransferSyntaxFolder), "*.dcm").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Instances_of_nine_transfer_syntaxes_come_back_as_explicit_little_endian_with_the_pixels_that_were_sent()
    {
        var files = TransferSyntaxFiles();
        var returned = new List<string>();
        foreach (var file in files)
        {
            var instance = TestInstance.Of(file);
            var (contentType, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath, MultipartDicom);
            Assert.Contains("type=\"application/dicom\"", contentType, StringComparison.Ordinal);
            var part = Assert.Single(parts);
            Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", part.ContentType);
            returned.Add(MultipartResponse.Save(part.Body));
        }

        var sent = PydicomOracle.Digest(files);
        var back = PydicomOracle.Digest(returned);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal("1.2.840.10008.1.2.1", back[i].Ts);
            Assert.Equal(sent[i].Sop, back[i].Sop);
            Assert.True(sent[i].Sha == back[i].Sha, $"{Path.GetFileName(files[i])} ({sent[i].Ts}): pixels differ after retrieve.");
        }
    }

    [Fact]
    public async Task Transfer_syntax_star_returns_the_stored_object_byte_for_byte_in_its_own_syntax()
    {
        var files = TransferSyntaxFiles();
        await using var database = fixture.Gateway.OpenDatabase();
        var returned = new List<string>();
        foreach (var file in files)
        {
            var instance = TestInstance.Of(file);
            var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath, MultipartDicom + "; transfer-syntax=*");
            var part = Assert.Single(parts);
            await using var command = database.CreateCommand(
                "select o.sha256, i.transfer_syntax_uid from objects o join instances i on i.id = o.instance_fk where i.sop_instance_uid = @uid");
            command.Parameters.AddWithValue("uid", instance.Sop);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
            Assert.Equal(reader.GetString(0), Convert.ToHexStringLower(SHA256.HashData(part.Body)));
            Assert.Equal("application/dicom; transfer-syntax=" + reader.GetString(1), part.ContentType);
            returned.Add(MultipartResponse.Save(part.Body));
        }

        var sent = PydicomOracle.Digest(files);
        var back = PydicomOracle.Digest(returned);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(sent[i].Ts, back[i].Ts);
            Assert.Equal(sent[i].Sha, back[i].Sha);
        }
    }

    [Fact]
    public async Task A_series_comes_back_whole_with_identical_pixels()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.MrSeriesFolder), "*.dcm");
        var series = TestInstance.Of(files[0]);
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, series.SeriesPath, "multipart/related; type=application/dicom");
        Assert.Equal(files.Length, parts.Count);
        var sent = PydicomOracle.Digest(files).ToDictionary(digest => digest.Sop, digest => digest.Sha);
        var back = PydicomOracle.Digest(parts.Select(part => MultipartResponse.Save(part.Body)));
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), back.Select(digest => digest.Sop).Order(StringComparer.Ordinal));
        Assert.All(back, digest => Assert.Equal(sent[digest.Sop], digest.Sha));
    }

    [Fact]
    public async Task A_study_returns_every_instance_of_every_series()
    {
        var instance = TestInstance.Of(TransferSyntaxFiles()[0]);
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.StudyPath, null);
        Assert.Equal(9, parts.Count);
        Assert.All(parts, part => Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", part.ContentType));
    }

    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"")]
    [InlineData("multipart/related; type=application/dicom")]
    [InlineData("multipart/related;type=\"application/dicom\";transfer-syntax=1.2.840.10008.1.2.1")]
    [InlineData("application/dicom")]
    [InlineData("*/*")]
    [InlineData(null)]
    [InlineData("application/json;q=0.9, multipart/related; type=\"application/dicom\"; q=0.5")]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.100; q=1, multipart/related; type=\"application/dicom\"; q=0.4")]
    public async Task Accept_forms_real_clients_send_get_explicit_little_endian_instances(string? accept)
    {
        var instance = TestInstance.Of(TransferSyntaxFiles()[0]);
        var (contentType, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath, accept);
        Assert.StartsWith("multipart/related", contentType, StringComparison.Ordinal);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", Assert.Single(parts).ContentType);
    }

    [Fact]
    public async Task An_instance_transcoded_to_jpeg_ls_lossless_keeps_its_pixels()
    {
        var file = TransferSyntaxFiles()[0];
        var instance = TestInstance.Of(file);
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath, MultipartDicom + "; transfer-syntax=1.2.840.10008.1.2.4.80");
        var part = Assert.Single(parts);
        Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.80", part.ContentType);
        var back = PydicomOracle.Digest([MultipartResponse.Save(part.Body)])[0];
        Assert.Equal("1.2.840.10008.1.2.4.80", back.Ts);
        Assert.Equal(PydicomOracle.Digest([file])[0].Sha, back.Sha);
    }

    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.100")]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.3.4.5")]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [InlineData("text/html")]
    [InlineData("application/dicom; q=0")]
    public async Task What_cannot_be_produced_is_refused_with_406(string accept)
    {
        // The MR is 12 bits stored: JPEG baseline (8 bits) cannot hold it.
        var instance = TestInstance.Of(TransferSyntaxFiles()[0]);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath, accept);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_study_series_and_instance_give_404()
    {
        var instance = TestInstance.Of(TransferSyntaxFiles()[0]);
        var other = TestInstance.Of(TestData.RequireSharedData(RetrieveGateway.JpegBaselineCt));
        string[] paths =
        [
            "dicomweb/studies/1.2.3.4.999",
            $"{instance.StudyPath}/series/1.2.3.4.999",
            $"{instance.StudyPath}/series/{other.Series}",
            $"{instance.SeriesPath}/instances/1.2.3.4.999",
            $"{instance.SeriesPath}/instances/{other.Sop}",
            $"{instance.SeriesPath}/instances/1.2.3.4.999/metadata",
            $"{instance.SeriesPath}/instances/1.2.3.4.999/frames/1",
            $"{instance.SeriesPath}/instances/1.2.3.4.999/rendered",
            "dicomweb/studies/1.2.3.4.999/metadata",
        ];
        foreach (var path in paths)
        {
            using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, path, null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
    }
}
