using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Server.Tests.Compression.EndToEnd;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.Operations;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Compression.SeriesLatent;

/// <summary>
/// What a series latent serves besides whole instances, checked on the gateway run of the MPRAGE series test: the
/// series /latent resource (one .npy that numpy reads, its manifest's slice order the one pydicom finds along the
/// normal, its values those of the stored object parsed independently; 404 for a series without a series latent,
/// 406 for an Accept it cannot give); frames and rendered of two slices; C-MOVE of them to a storescp; and no
/// dciodvfy error the original did not have.
/// </summary>
internal static class SeriesLatentRetrievalChecks
{
    private const string VolumeAccept = "multipart/related; type=\"application/octet-stream\"";

    public static async Task RunAsync(CompressionGateway gateway, string[] files, string received, string model)
    {
        var folder = Directory.CreateTempSubdirectory("series-checks-").FullName;
        try
        {
            await SeriesLatentAsync(gateway, files, folder, model);
            var slices = await LatentSlicesAsync(gateway, files);
            foreach (var file in new[] { slices[0], slices[slices.Count / 2] })
            {
                await FramesAndRenderedAsync(gateway, file, folder);
            }

            MoveAndValidate(gateway, [slices[0], slices[slices.Count / 2]], received);
            await NoSeriesLatentAsync(gateway, files[0], folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task SeriesLatentAsync(CompressionGateway gateway, string[] files, string folder, string model)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var series = TestInstance.Of(files[0]);
        var (contentType, parts) = await MultipartResponse.GetPartsAsync(gateway.Gateway.Http, series.SeriesPath + "/latent", VolumeAccept);
        Assert.Contains("type=\"application/octet-stream\"", contentType, StringComparison.Ordinal);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/octet-stream", parts[0].ContentType);
        Assert.Equal("application/json", parts[1].ContentType);

        var npy = Path.Combine(folder, "series.npy");
        var raw = Path.Combine(folder, "series.f32");
        await File.WriteAllBytesAsync(npy, parts[0].Body, cancellationToken);
        var (shape, dtype) = SeriesOracle.Npy(npy, raw);
        Assert.Equal("float32", dtype);

        using var manifest = JsonDocument.Parse(parts[1].Body);
        var root = manifest.RootElement;
        Assert.Equal(model, root.GetProperty("model").GetString());
        Assert.Equal(64, root.GetProperty("factor").GetInt32());
        Assert.Equal(shape, root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        var order = root.GetProperty("sliceOrder").EnumerateArray().Select(uid => uid.GetString()!).ToArray();
        Assert.Equal(SeriesOracle.Order(files), order);
        var scale = root.GetProperty("scalePerSide").GetInt32();
        var perLatentSlice = root.GetProperty("latentSlices").EnumerateArray().Select(slice => slice.EnumerateArray().Select(uid => uid.GetString()!).ToArray()).ToArray();
        Assert.Equal(shape[1], perLatentSlice.Length);
        Assert.Equal(order, perLatentSlice.SelectMany(uids => uids).ToArray());
        Assert.All(perLatentSlice, uids => Assert.Equal(scale, uids.Length));
        Assert.Equal(order.Length, root.GetProperty("geometry").GetProperty("slices").GetInt32());

        // The values: the stored object parsed here, independently of the gateway's reader.
        var (key, _, _) = Assert.Single(await SeriesLatentTests.LatentsAsync(gateway));
        var stored = SeriesLatentContainerOracle.Read(await File.ReadAllBytesAsync(gateway.Probe.ObjectFiles().Single(path => Path.GetFileName(path) == key), cancellationToken));
        Assert.Equal(model, stored.ModelId);
        Assert.Equal(stored.Shape, shape);
        var served = await File.ReadAllBytesAsync(raw, cancellationToken);
        Assert.Equal(stored.Values.Length * 4, served.Length);
        Assert.True(served.AsSpan().SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(stored.Values.AsSpan())), "the .npy values are not the stored latent's");

        using var refused = await MultipartResponse.GetAsync(gateway.Gateway.Http, series.SeriesPath + "/latent", "image/png");
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
        Assert.Contains("multipart/related", await refused.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
    }

    /// <summary>The files of the slices served from the series latent, in file order.</summary>
    private static async Task<List<string>> LatentSlicesAsync(CompressionGateway gateway, string[] files)
    {
        var slices = new List<string>();
        foreach (var file in files)
        {
            if ((await gateway.InstanceAsync(TestInstance.Of(file).Sop)).Compression == "latent3d")
            {
                slices.Add(file);
            }
        }

        Assert.True(slices.Count >= 2);
        return slices;
    }

    private static async Task FramesAndRenderedAsync(CompressionGateway gateway, string file, string folder)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var instance = TestInstance.Of(file);
        var (_, wadoRs) = await RetrieveClients.WadoRsAsync(gateway.Gateway, instance);
        var (_, frames) = await MultipartResponse.GetPartsAsync(gateway.Gateway.Http, instance.InstancePath + "/frames/1", VolumeAccept);
        var frame = Path.Combine(folder, instance.Sop + ".frame");
        await File.WriteAllBytesAsync(frame, Assert.Single(frames).Body, cancellationToken);
        var (equal, rows, columns) = SeriesOracle.Frame(wadoRs, frame);
        Assert.True(equal, $"frame 1 of {instance.Sop} is not the pixel data of the instance WADO-RS serves");
        File.Delete(wadoRs);

        using var rendered = await MultipartResponse.GetAsync(gateway.Gateway.Http, instance.InstancePath + "/rendered", "image/png");
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        Assert.Equal("image/png", rendered.Content.Headers.ContentType?.MediaType);
        var png = await rendered.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(columns, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(rows, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>C-MOVE of each slice to the storescp (AE ARCHIVE): received, with the lossy flags, the PSNR WADO-RS gives, and no new dciodvfy error.</summary>
    private static void MoveAndValidate(CompressionGateway gateway, string[] files, string received)
    {
        var port = gateway.Gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        foreach (var file in files)
        {
            var instance = TestInstance.Of(file);
            var (exitCode, stdout, stderr) = ExternalTool.Run(
                "movescu",
                [
                    "-v", "-aet", "ARCHIVE", "-aec", GatewayInstance.AETitle, "-aem", "ARCHIVE", "-k", "QueryRetrieveLevel=IMAGE",
                    "-k", "StudyInstanceUID=" + instance.Study, "-k", "SeriesInstanceUID=" + instance.Series, "-k", "SOPInstanceUID=" + instance.Sop, "127.0.0.1", port,
                ],
                "dcmtk",
                timeout: TimeSpan.FromSeconds(120));
            Assert.True(exitCode == 0 && (stdout + stderr).Contains("Received Final Move Response (Success)", StringComparison.Ordinal), stdout + stderr);
        }

        var moved = Directory.GetFiles(received);
        Assert.Equal(files.Length, moved.Length);
        var pairs = moved.Select(path => (Original: files.Single(file => TestInstance.Of(file).Sop == TestInstance.Of(path).Sop), Retrieved: path)).ToList();
        foreach (var comparison in RetrievedOracle.Compare(pairs))
        {
            Assert.True(comparison.SameSop && comparison.SameShape && comparison.Lossy == "01" && comparison.Psnr >= 24, $"{comparison.Retrieved}: lossy '{comparison.Lossy}', PSNR {comparison.Psnr}");
        }

        foreach (var (original, retrieved) in pairs)
        {
            var added = ReconstructionOracle.DciodvfyErrors(retrieved).Except(ReconstructionOracle.DciodvfyErrors(original)).ToList();
            Assert.True(added.Count == 0, $"dciodvfy errors the original lacks in the C-MOVE'd {Path.GetFileName(retrieved)}:\n{string.Join('\n', added)}");
        }
    }

    /// <summary>A one-instance series (too few slices for a volume: the per-instance path) has no series latent: 404 saying so.</summary>
    private static async Task NoSeriesLatentAsync(CompressionGateway gateway, string file, string folder)
    {
        var instance = TestInstance.Of(file);
        var single = GatewayChecks.CopyWithUids(file, folder, instance.Study, instance.Series + ".9", instance.Series + ".9.1");
        await gateway.StowAsync(single);
        await gateway.DrainAsync();
        Assert.NotEqual("latent3d", (await gateway.InstanceAsync(instance.Series + ".9.1")).Compression);
        using var response = await MultipartResponse.GetAsync(gateway.Gateway.Http, TestInstance.Of(single).SeriesPath + "/latent", VolumeAccept);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("has no series latent", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
