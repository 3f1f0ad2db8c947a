using System.Net;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>WADO-URI (/wado and /dicomweb/wado), against pydicom and PIL.</summary>
public sealed class WadoUriTests(RetrieveGateway fixture) : IClassFixture<RetrieveGateway>
{
    private static string MrFile(string name) => Path.Combine(TestData.RequireSharedData(RetrieveGateway.TransferSyntaxFolder), name);

    [Theory]
    [InlineData("3.dcm", "", "1.2.840.10008.1.2.1")]
    [InlineData("4.dcm", "", "1.2.840.10008.1.2.1")]
    [InlineData("9.dcm", "", "1.2.840.10008.1.2.1")]
    [InlineData("2.dcm", "&transferSyntax=1.2.840.10008.1.2.5", "1.2.840.10008.1.2.5")]
    [InlineData("1.dcm", "&transferSyntax=1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.90")]
    public async Task Application_dicom_returns_the_object_with_the_pixels_that_were_sent(string name, string extra, string syntax)
    {
        var file = MrFile(name);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, TestInstance.Of(file).WadoUri("&contentType=application/dicom" + extra), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom", response.Content.Headers.ContentType!.MediaType);
        var back = PydicomOracle.Digest([MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken))])[0];
        Assert.Equal(syntax, back.Ts);
        Assert.Equal(PydicomOracle.Digest([file])[0].Sha, back.Sha);
    }

    [Fact]
    public async Task Images_default_to_jpeg_and_png_applies_window_and_size_on_both_paths()
    {
        var file = Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.MrSeriesFolder), "*.dcm").Order(StringComparer.Ordinal).ElementAt(96);
        var instance = TestInstance.Of(file);
        using (var jpeg = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.WadoUri(), null))
        {
            Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType!.MediaType);
            var decoded = PydicomOracle.Image(MultipartResponse.Save(await jpeg.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".jpg"));
            Assert.Equal(("JPEG", 256, 256), (decoded.Format, decoded.Width, decoded.Height));
        }

        using (var png = await MultipartResponse.GetAsync(fixture.Gateway.Http, "dicomweb/" + instance.WadoUri("&contentType=image/png&windowCenter=200&windowWidth=400"), null))
        {
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            var path = MultipartResponse.Save(await png.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".png");
            Assert.True(PydicomOracle.Render(file, path, 1, 200, 400).MaxDifference <= 1);
        }

        using var small = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.WadoUri("&contentType=image/png&rows=100&columns=100"), null);
        var smallImage = PydicomOracle.Image(MultipartResponse.Save(await small.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".png"));
        Assert.Equal((100, 100), (smallImage.Width, smallImage.Height));
    }

    [Fact]
    public async Task Wado_uri_errors_have_the_statuses_ps3_18_gives()
    {
        var instance = TestInstance.Of(MrFile("1.dcm"));
        var cases = new (string Path, HttpStatusCode Status)[]
        {
            ($"wado?studyUID={instance.Study}&seriesUID={instance.Series}&objectUID={instance.Sop}", HttpStatusCode.BadRequest),
            ($"wado?requestType=WADO&studyUID={instance.Study}&seriesUID={instance.Series}", HttpStatusCode.BadRequest),
            ($"wado?requestType=WADO&studyUID={instance.Study}&seriesUID={instance.Series}&objectUID=1.2.3.999", HttpStatusCode.NotFound),
            (instance.WadoUri("&contentType=text/plain"), HttpStatusCode.NotAcceptable),
            (instance.WadoUri("&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.100"), HttpStatusCode.NotAcceptable),
            (instance.WadoUri("&contentType=image/jpeg&windowCenter=40"), HttpStatusCode.BadRequest),
            (instance.WadoUri("&contentType=image/jpeg&frameNumber=2"), HttpStatusCode.NotFound),
            (instance.WadoUri("&contentType=image/jpeg&frameNumber=zero"), HttpStatusCode.BadRequest),
        };
        foreach (var (path, status) in cases)
        {
            using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, path, null);
            Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode}, expected {(int)status}");
        }
    }
}
