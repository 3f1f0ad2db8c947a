using System.Net;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>WADO-RS frames, against pydicom's decoded frames and its view of the stored bitstreams.</summary>
public sealed class FramesTests(RetrieveGateway fixture) : IClassFixture<RetrieveGateway>
{
    private const string OctetStream = "multipart/related; type=\"application/octet-stream\"";

    [Fact]
    public async Task Frames_of_nine_transfer_syntaxes_as_octet_stream_equal_pydicoms_decoded_frames()
    {
        foreach (var file in Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.TransferSyntaxFolder), "*.dcm"))
        {
            var instance = TestInstance.Of(file);
            var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/1", OctetStream);
            var part = Assert.Single(parts);
            Assert.Equal("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", part.ContentType);
            var expected = await File.ReadAllBytesAsync(Path.Combine(PydicomOracle.Frames(file), "native_1.raw"), TestContext.Current.CancellationToken);
            Assert.True(expected.AsSpan().SequenceEqual(part.Body), $"{Path.GetFileName(file)}: frame 1 differs from pydicom's");
        }
    }

    [Theory]
    [InlineData(OctetStream)]
    [InlineData("*/*")]
    [InlineData(null)]
    [InlineData("multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1")]
    public async Task Chosen_frames_of_a_multi_frame_jpeg_ls_image_come_back_decoded(string? accept)
    {
        var file = TestData.RequireSharedData(RetrieveGateway.MultiFrameJpegLs);
        var oracle = PydicomOracle.Frames(file);
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, TestInstance.Of(file).InstancePath + "/frames/3,1,10", accept);
        Assert.Equal(3, parts.Count);
        int[] numbers = [3, 1, 10];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(oracle, $"native_{numbers[i]}.raw"), TestContext.Current.CancellationToken), parts[i].Body);
        }
    }

    [Theory]
    [InlineData("multipart/related; type=\"image/jls\"")]
    [InlineData("multipart/related; type=\"image/jls\"; transfer-syntax=1.2.840.10008.1.2.4.80")]
    [InlineData("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")]
    [InlineData("multipart/related; type=\"image/jp2\", multipart/related; type=\"image/jls\"; q=0.5")]
    public async Task Frames_asked_for_in_the_stored_compressed_type_are_the_stored_bitstreams(string accept)
    {
        var file = TestData.RequireSharedData(RetrieveGateway.MultiFrameJpegLs);
        var oracle = PydicomOracle.Frames(file);
        var (contentType, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, TestInstance.Of(file).InstancePath + "/frames/2,5", accept);
        Assert.Equal(2, parts.Count);
        if (accept.StartsWith("multipart/related; type=\"image/jp2\"", StringComparison.Ordinal))
        {
            // image/jp2 comes first: the frames are transcoded to JPEG 2000, which is not the stored bitstream.
            Assert.All(parts, part => Assert.Equal("image/jp2; transfer-syntax=1.2.840.10008.1.2.4.90", part.ContentType));
            Assert.Contains("image/jp2", contentType, StringComparison.Ordinal);
            return;
        }

        Assert.All(parts, part => Assert.Equal("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", part.ContentType));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(oracle, "encoded_2.raw"), TestContext.Current.CancellationToken), parts[0].Body);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(oracle, "encoded_5.raw"), TestContext.Current.CancellationToken), parts[1].Body);
    }

    [Fact]
    public async Task A_native_frame_asked_for_as_jpeg_ls_is_encoded_as_jpeg_ls()
    {
        var file = Directory.GetFiles(TestData.RequireSharedData(RetrieveGateway.TransferSyntaxFolder), "1.dcm").Single();
        var (_, parts) = await MultipartResponse.GetPartsAsync(fixture.Gateway.Http, TestInstance.Of(file).InstancePath + "/frames/1", "multipart/related; type=\"image/jls\"");
        var part = Assert.Single(parts);
        Assert.Equal("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", part.ContentType);
        Assert.Equal([0xFF, 0xD8, 0xFF], part.Body[..3]);
        Assert.Contains(part.Body.Select((value, index) => (value, index)), pair => pair.value == 0xFF && pair.index + 1 < part.Body.Length && part.Body[pair.index + 1] == 0xF7);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("x")]
    [InlineData("1,,2")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task Malformed_frame_lists_give_400(string frames)
    {
        var instance = TestInstance.Of(TestData.RequireSharedData(RetrieveGateway.MultiFrameJpegLs));
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/" + frames, null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Frames_past_the_end_give_404_and_unproducible_media_types_406()
    {
        var instance = TestInstance.Of(TestData.RequireSharedData(RetrieveGateway.MultiFrameJpegLs));
        using (var past = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/1,11", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, past.StatusCode);
        }

        // 12-bit frames cannot be JPEG baseline; image/gif is no frame type at all.
        foreach (var accept in new[] { "multipart/related; type=\"image/jpeg\"", "multipart/related; type=\"image/gif\"" })
        {
            using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/frames/1", accept);
            Assert.True(response.StatusCode == HttpStatusCode.NotAcceptable, $"{accept}: {(int)response.StatusCode}");
        }
    }
}
