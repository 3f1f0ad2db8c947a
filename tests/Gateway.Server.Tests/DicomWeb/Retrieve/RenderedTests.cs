using System.Net;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>WADO-RS rendered and thumbnail resources, decoded by PIL and compared with a window computed from pydicom's values.</summary>
public sealed class RenderedTests(RetrieveGateway fixture) : IClassFixture<RetrieveGateway>
{
    private static string MrSlice() => Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.MrSeriesFolder), "*.dcm").Order(StringComparer.Ordinal).ElementAt(96);

    [Fact]
    public async Task A_png_rendering_applies_the_header_window_exactly()
    {
        var file = MrSlice();
        var image = await GetImageAsync(TestInstance.Of(file).InstancePath + "/rendered", "image/png", "image/png");
        var comparison = PydicomOracle.Render(file, image, 1);
        Assert.Equal(("PNG", "L", 256, 256), (comparison.Format, comparison.Mode, comparison.Width, comparison.Height));
        Assert.True(comparison.MaxDifference <= 1, $"max difference {comparison.MaxDifference}");
    }

    [Fact]
    public async Task A_jpeg_rendering_is_the_default_and_close_to_the_window()
    {
        var file = MrSlice();
        var image = await GetImageAsync(TestInstance.Of(file).InstancePath + "/rendered", "*/*", "image/jpeg");
        var comparison = PydicomOracle.Render(file, image, 1);
        Assert.Equal(("JPEG", 256, 256), (comparison.Format, comparison.Width, comparison.Height));
        Assert.True(comparison.MeanDifference < 2, $"mean difference {comparison.MeanDifference}");
    }

    [Fact]
    public async Task The_window_parameter_overrides_the_header()
    {
        var file = MrSlice();
        var image = await GetImageAsync(TestInstance.Of(file).InstancePath + "/rendered?window=150,300,linear", "image/png", "image/png");
        Assert.True(PydicomOracle.Render(file, image, 1, 150, 300).MaxDifference <= 1);
    }

    [Fact]
    public async Task Monochrome1_is_inverted()
    {
        var file = TestData.RequireSharedData(RetrieveGateway.Monochrome1);
        var image = await GetImageAsync(TestInstance.Of(file).InstancePath + "/rendered?accept=image/png", null, "image/png");
        var comparison = PydicomOracle.Render(file, image, 1);
        Assert.Equal((440, 440), (comparison.Width, comparison.Height));
        Assert.True(comparison.MaxDifference <= 1, $"max difference {comparison.MaxDifference}");
    }

    [Fact]
    public async Task A_frame_without_a_header_window_is_rendered_min_to_max()
    {
        var file = TestData.RequireSharedData(RetrieveGateway.MultiFrameJpegLs);
        var image = await GetImageAsync(TestInstance.Of(file).InstancePath + "/frames/4/rendered", "image/png", "image/png");
        Assert.True(PydicomOracle.Render(file, image, 4).MaxDifference <= 1);
    }

    [Fact]
    public async Task Viewport_and_thumbnail_fit_the_image_into_the_asked_size()
    {
        var instance = TestInstance.Of(MrSlice());
        var viewport = PydicomOracle.Image(await GetImageAsync(instance.InstancePath + "/rendered?viewport=64,64&quality=50", "image/jpeg", "image/jpeg"));
        Assert.Equal((64, 64), (viewport.Width, viewport.Height));
        var thumbnail = PydicomOracle.Image(await GetImageAsync(instance.InstancePath + "/thumbnail", null, "image/jpeg"));
        Assert.Equal((128, 128), (thumbnail.Width, thumbnail.Height));
        var series = PydicomOracle.Image(await GetImageAsync(instance.SeriesPath + "/thumbnail", "image/png", "image/png"));
        Assert.Equal(("PNG", 128, 128), (series.Format, series.Width, series.Height));
        var study = PydicomOracle.Image(await GetImageAsync(instance.StudyPath + "/thumbnail?viewport=32,32", null, "image/jpeg"));
        Assert.Equal((32, 32), (study.Width, study.Height));
    }

    [Fact]
    public async Task A_rendered_series_has_one_image_per_instance()
    {
        var file = TestData.RequireSharedData(RetrieveGateway.JpegBaselineCt);
        var (contentType, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, TestInstance.Of(file).SeriesPath + "/rendered?viewport=100,100", "multipart/related; type=\"image/png\"");
        Assert.Contains("image/png", contentType, StringComparison.Ordinal);
        var part = Assert.Single(parts);
        Assert.Equal("image/png", part.ContentType);
        Assert.Equal("PNG", PydicomOracle.Image(MultipartResponse.Save(part.Body, ".png")).Format);
    }

    [Theory]
    [InlineData("?window=1", "image/jpeg", HttpStatusCode.BadRequest)]
    [InlineData("?window=40,0", "image/jpeg", HttpStatusCode.BadRequest)]
    [InlineData("?viewport=abc", "image/jpeg", HttpStatusCode.BadRequest)]
    [InlineData("?quality=0", "image/jpeg", HttpStatusCode.BadRequest)]
    [InlineData("", "image/gif", HttpStatusCode.NotAcceptable)]
    [InlineData("", "application/dicom", HttpStatusCode.NotAcceptable)]
    public async Task Bad_rendering_requests_are_refused(string query, string accept, HttpStatusCode status)
    {
        var instance = TestInstance.Of(MrSlice());
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/rendered" + query, accept);
        Assert.Equal(status, response.StatusCode);
    }

    private async Task<string> GetImageAsync(string path, string? accept, string expectedType)
    {
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, path, accept);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal(expectedType, response.Content.Headers.ContentType!.MediaType);
        return MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), expectedType == "image/png" ? ".png" : ".jpg");
    }
}
