using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Server.Tests.DicomWeb.Limits;

/// <summary>
/// Issue 13 point 1, WADO-RS side: a frame list that repeats frame numbers or is longer than WadoMaxFrames is
/// refused, and frames are streamed: the gateway process's peak resident memory grows by less than 300 MB while
/// eight requests for every frame of a 120-frame JPEG-LS instance (60 MB of decoded frames each) run at once.
/// </summary>
public sealed class FrameLimitsTests(MultiFrameGateway fixture) : IClassFixture<MultiFrameGateway>
{
    private const string OctetStream = "multipart/related; type=\"application/octet-stream\"";
    private const int Frames = MultiFrameGateway.Frames;
    private const int FrameBytes = MultiFrameGateway.FrameBytes;
    private const long MaxGrowthBytes = 300L << 20;

    [Theory]
    [InlineData("1,1")]
    [InlineData("3,1,2,3")]
    [InlineData("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1")]
    public async Task Point01_a_frame_list_that_repeats_a_frame_number_is_refused_with_400(string frames)
    {
        using var response = await GetAsync(fixture.InstancePath + "/frames/" + frames);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"frames/{frames} answered {(int)response.StatusCode}");
        Assert.Contains("more than once", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Point01_a_frame_list_longer_than_WadoMaxFrames_is_refused_with_400()
    {
        // Distinct numbers, so only the length is wrong (frames past the last would otherwise be a 404).
        var list = string.Join(',', Enumerable.Range(1, MultiFrameGateway.MaxFrames + 1));
        using var response = await GetAsync(fixture.InstancePath + "/frames/" + list);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{MultiFrameGateway.MaxFrames + 1} frames answered {(int)response.StatusCode}");
        Assert.Contains("WadoMaxFrames", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Point01_eight_concurrent_requests_for_every_frame_grow_the_gateway_by_less_than_300_MB()
    {
        var path = fixture.InstancePath + "/frames/" + string.Join(',', Enumerable.Range(1, Frames));

        // Warm up (JIT, pools, the decoder), then measure from the memory the process holds at rest.
        var expected = fixture.ExpectedFrames.Select(frame => Convert.ToHexString(SHA256.HashData(frame))).ToList();
        Assert.Equal(expected, await PartDigestsAsync(path));
        var status = $"/proc/{fixture.Gateway.ProcessId}/status";
        var before = Kilobytes(status, "VmRSS");
        await File.WriteAllTextAsync($"/proc/{fixture.Gateway.ProcessId}/clear_refs", "5", TestContext.Current.CancellationToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PartDigestsAsync(path))));
        var peak = Kilobytes(status, "VmHWM");
        var growth = (peak - before) * 1024;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"resident before {before / 1024.0:F0} MiB, peak during 8 x {Frames} frames ({8L * Frames * FrameBytes / 1048576.0:F0} MiB sent) {peak / 1024.0:F0} MiB: growth {growth / 1048576.0:F0} MiB"));
        Assert.All(responses, digests => Assert.Equal(expected, digests));
        Assert.True(growth < MaxGrowthBytes, $"The gateway's resident memory grew by {growth >> 20} MiB (limit {MaxGrowthBytes >> 20} MiB).");
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", OctetStream);
        return await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>The SHA-256 of each part of a 200 multipart answer, hashed as it arrives (nothing is kept).</summary>
    private async Task<List<string>> PartDigestsAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(contentType.Parameters.First(p => p.Name == "boundary").Value).Value!;
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken)) { BodyLengthLimit = null };
        var digests = new List<string>();
        while (await reader.ReadNextSectionAsync(TestContext.Current.CancellationToken) is { } section)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await section.Body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            digests.Add(Convert.ToHexString(hash.GetHashAndReset()));
        }

        return digests;
    }

    /// <summary>A "Name:   1234 kB" line of /proc/{pid}/status, in kB.</summary>
    private static long Kilobytes(string statusFile, string name)
    {
        var line = File.ReadLines(statusFile).First(line => line.StartsWith(name + ":", StringComparison.Ordinal));
        return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
