using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Core.Archive;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>WADO-RS metadata and bulk data, against pydicom's DICOM JSON of the files sent.</summary>
public sealed class MetadataTests(RetrieveGateway fixture, PostgresCluster cluster) : IClassFixture<RetrieveGateway>
{
    private const string ExplicitLittleEndianFile = "1.dcm";

    private static string MrFile(string name) => Path.Combine(TestData.RequireSharedData(RetrieveGateway.TransferSyntaxFolder), name);

    [Fact]
    public async Task Series_metadata_holds_every_instance_with_the_attributes_pydicom_reads()
    {
        var file = MrFile(ExplicitLittleEndianFile);
        var instance = TestInstance.Of(file);
        var headers = await GetMetadataAsync(fixture.Gateway.Http, instance.SeriesPath + "/metadata");
        Assert.Equal(9, headers.GetArrayLength());
        var header = headers.EnumerateArray().Single(item => item.GetProperty("00080018").GetProperty("Value")[0].GetString() == instance.Sop);
        var expected = PydicomOracle.Json(file);
        foreach (var tag in new[] { "00100010", "00100020", "00080020", "00080016", "0008103E", "00280010", "00280011", "00280100", "00200032", "00200037", "00281050" })
        {
            if (!expected.TryGetProperty(tag, out var want))
            {
                Assert.False(header.TryGetProperty(tag, out _), $"{tag} is not in the file but is in the metadata.");
                continue;
            }

            var got = header.GetProperty(tag);
            Assert.Equal(want.GetProperty("vr").GetString(), got.GetProperty("vr").GetString());
            Assert.Equal(Normalize(want), Normalize(got));
        }
    }

    [Fact]
    public async Task Every_bulk_data_uri_is_absolute_and_serves_the_value_pydicom_reads()
    {
        var file = MrFile(ExplicitLittleEndianFile);
        var instance = TestInstance.Of(file);
        var header = (await GetMetadataAsync(fixture.Gateway.Http, instance.InstancePath + "/metadata"))[0];
        var expected = PydicomOracle.Json(file);
        var checkedValues = 0;
        foreach (var element in header.EnumerateObject())
        {
            if (!element.Value.TryGetProperty("BulkDataURI", out var uri))
            {
                continue;
            }

            var url = uri.GetString()!;
            Assert.StartsWith(fixture.Gateway.BaseAddress + instance.InstancePath + "/bulkdata/", url, StringComparison.Ordinal);
            var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, url, "multipart/related; type=\"application/octet-stream\"");
            var part = Assert.Single(parts);
            byte[] want;
            if (element.Name == "7FE00010")
            {
                want = await File.ReadAllBytesAsync(Path.Combine(PydicomOracle.Frames(file), "native_1.raw"), TestContext.Current.CancellationToken);
            }
            else if (expected.GetProperty(element.Name).TryGetProperty("InlineBinary", out var inline))
            {
                want = Convert.FromBase64String(inline.GetString()!);
            }
            else
            {
                continue;
            }

            Assert.True(want.AsSpan().SequenceEqual(part.Body), $"bulk data of {element.Name} differs from pydicom's value ({part.Body.Length} vs {want.Length} bytes)");
            checkedValues++;
        }

        Assert.True(checkedValues >= 1, "the header has no bulk data at all");
    }

    [Fact]
    public async Task Bulk_data_uris_use_the_configured_public_base_url()
    {
        var file = MrFile(ExplicitLittleEndianFile);
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://pacs.example.org/dicomweb/" });
        await using (var stream = File.OpenRead(file))
        {
            Assert.True((await gateway.Services.GetRequiredService<IngestService>().StoreFileAsync(stream, null, TestContext.Current.CancellationToken)).Succeeded);
        }

        var instance = TestInstance.Of(file);
        var header = (await GetMetadataAsync(gateway.Http, instance.InstancePath + "/metadata"))[0];
        Assert.Equal(
            $"https://pacs.example.org/dicomweb/studies/{instance.Study}/series/{instance.Series}/instances/{instance.Sop}/bulkdata/7FE00010",
            header.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
    }

    [Fact]
    public async Task Metadata_in_xml_is_refused_with_406()
    {
        var instance = TestInstance.Of(MrFile(ExplicitLittleEndianFile));
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/metadata", "multipart/related; type=\"application/dicom+xml\"");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Bulk_data_paths_that_do_not_exist_give_404_and_malformed_ones_400()
    {
        var instance = TestInstance.Of(MrFile(ExplicitLittleEndianFile));
        using (var missing = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/bulkdata/00091234", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var malformed = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/bulkdata/7FE0", null);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    private static async Task<JsonElement> GetMetadataAsync(HttpClient http, string path)
    {
        using var response = await MultipartResponse.GetAsync(http, path, "application/dicom+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    /// <summary>The values of an element, numbers compared as numbers (DS may be written "1.50" or 1.5).</summary>
    private static string Normalize(JsonElement element)
    {
        if (!element.TryGetProperty("Value", out var values))
        {
            return string.Empty;
        }

        return string.Join('|', values.EnumerateArray().Select(value => value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && element.GetProperty("vr").GetString() is "DS" or "IS" => number.ToString("R", CultureInfo.InvariantCulture),
            _ => JsonSerializer.Serialize(value),
        }));
    }
}
