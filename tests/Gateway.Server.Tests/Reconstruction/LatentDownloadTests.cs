using System.Net;
using System.Text.Json;
using Gateway.Server.Tests.DicomWeb.Retrieve;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>The /latent resources: an instance's latent as .npy and a series' as a zip, read by numpy.</summary>
public sealed class LatentDownloadTests(StandInLatentGateway fixture) : IClassFixture<StandInLatentGateway>
{
    private const string Script = """
        import sys, json, io, zipfile
        import numpy as np
        import pydicom

        def expected(path):
            a = pydicom.dcmread(path, force=True).pixel_array.astype(np.int64)
            a = a - (a & 1)
            return a.reshape((-1, 1) + a.shape[-2:]).astype(np.float32)

        def check(array, original):
            e = expected(original)
            same = list(array.shape) == list(e.shape)
            return {'shape': list(array.shape), 'dtype': str(array.dtype), 'fortran': bool(np.isfortran(array)) and array.ndim > 1,
                    'maxDifference': float(np.abs(array - e).max()) if same else -1.0}

        if sys.argv[1] == 'npy':
            print(json.dumps(check(np.load(sys.argv[2]), sys.argv[3])))
        else:
            archive = zipfile.ZipFile(sys.argv[2])
            originals = dict(arg.split('=', 1) for arg in sys.argv[3:])
            result = {'names': sorted(archive.namelist()), 'manifest': json.loads(archive.read('manifest.json')), 'arrays': {}}
            for uid, original in originals.items():
                result['arrays'][uid] = check(np.load(io.BytesIO(archive.read(uid + '.npy'))), original)
            print(json.dumps(result))
        """;

    [Fact]
    public async Task The_latent_of_an_instance_is_an_npy_file_numpy_loads_with_the_engines_shape_and_values()
    {
        var original = TestData.RequireSharedData(StandInLatentGateway.CtSlice);
        var instance = TestInstance.Of(original);
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, instance.InstancePath + "/latent", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(StandInLatentEngine.ModelId, Assert.Single(response.Headers.GetValues("X-Latent-Model")));
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(instance.Sop + ".npy", response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        var path = MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".npy");

        var result = JsonDocument.Parse(ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", Script, "npy", path, original], "python3-numpy python3-pydicom")).RootElement;
        Assert.Equal("[1,1,512,512]", result.GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.Equal("float32", result.GetProperty("dtype").GetString());
        Assert.False(result.GetProperty("fortran").GetBoolean());
        Assert.Equal(0, result.GetProperty("maxDifference").GetDouble());
    }

    [Fact]
    public async Task The_latents_of_a_series_are_a_zip_of_one_npy_per_latent_instance_with_a_manifest()
    {
        TestData.RequireSharedData(StandInLatentGateway.MrSeriesFolder);
        var slices = fixture.SeriesSlices.Select(TestInstance.Of).ToArray();
        using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, slices[0].SeriesPath + "/latent", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        var path = MultipartResponse.Save(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), ".zip");

        var result = JsonDocument.Parse(ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            ["-c", Script, "zip", path, .. slices.Select(slice => $"{slice.Sop}={slice.Path}")],
            "python3-numpy python3-pydicom")).RootElement;
        var names = result.GetProperty("names").EnumerateArray().Select(name => name.GetString()).ToArray();
        Assert.Equal(slices.Select(slice => slice.Sop + ".npy").Append("manifest.json").Order(StringComparer.Ordinal), names);
        foreach (var slice in slices)
        {
            var entry = result.GetProperty("manifest").GetProperty(slice.Sop);
            Assert.Equal(StandInLatentEngine.ModelId, entry.GetProperty("model").GetString());
            var array = result.GetProperty("arrays").GetProperty(slice.Sop);
            Assert.Equal(entry.GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal), array.GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
            Assert.Equal("[1,1,256,256]", array.GetProperty("shape").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal));
            Assert.Equal(0, array.GetProperty("maxDifference").GetDouble());
        }
    }

    [Fact]
    public async Task Unknown_uids_answer_404_and_what_holds_no_latent_answers_409_saying_so()
    {
        var latent = TestInstance.Of(TestData.RequireSharedData(StandInLatentGateway.MrSlice));
        var kept = TestInstance.Of(TestData.RequireSharedData(StandInLatentGateway.KeptOriginal));
        var unknownSeries = $"{latent.StudyPath}/series/1.2.3.999";
        var cases = new (string Path, HttpStatusCode Status, string Says)[]
        {
            ($"{latent.SeriesPath}/instances/1.2.3.999/latent", HttpStatusCode.NotFound, "No instance 1.2.3.999"),
            ($"{unknownSeries}/latent", HttpStatusCode.NotFound, "No series 1.2.3.999"),
            ($"{unknownSeries}/instances/{latent.Sop}/latent", HttpStatusCode.NotFound, "No instance"),
            ($"{kept.InstancePath}/latent", HttpStatusCode.Conflict, "is not stored as a latent (it is kept as original)"),
        };
        foreach (var (path, status, says) in cases)
        {
            using var response = await MultipartResponse.GetAsync(fixture.Gateway.Http, path, null);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {text}");
            Assert.Contains(says, text, StringComparison.Ordinal);
        }

        // The series of the MR slice holds one latent instance and one original: the zip has the latent only.
        using var series = await MultipartResponse.GetAsync(fixture.Gateway.Http, latent.SeriesPath + "/latent", null);
        Assert.Equal(HttpStatusCode.OK, series.StatusCode);
        using var zip = new System.IO.Compression.ZipArchive(await series.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        Assert.Equal([latent.Sop + ".npy", "manifest.json"], zip.Entries.Select(entry => entry.FullName).Order(StringComparer.Ordinal));
    }
}
