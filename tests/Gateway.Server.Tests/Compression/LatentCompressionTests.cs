using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.Compression;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Compression;

/// <summary>
/// The latent path with the real engine (ONNX Runtime and onnx-models/compact-f16-c2): a CT and an MR slice become
/// latents of at most 1/15 of their pixel bytes whose recorded PSNR a numpy oracle confirms; a noise image fails the
/// gate and is stored lossless, bit-exact by pydicom.
/// </summary>
public sealed class LatentCompressionTests(PostgresCluster cluster)
{
    private const string CtSlice = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A098752_19001231-32.dcm";
    private const string MrSlice = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/0170-1.3.12.2.1107.5.2.19.45152.2013030808105619763585513.dcm";

    [Fact]
    public async Task CT_and_MR_slices_are_stored_as_f16_latents_of_at_most_a_fifteenth_of_their_pixel_bytes_with_the_PSNR_recorded()
    {
        string[] files = [TestData.RequireSharedData(CtSlice), TestData.RequireSharedData(MrSlice)];
        // The latent alone (the default set would store j2k-lossy where it is smaller, as for this CT slice).
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Representations:0"] = "Latent" });
        var engine = gateway.RequireEngine();
        var uids = await gateway.StowAsync(files);

        Assert.Equal(6, await gateway.DrainAsync());

        for (var i = 0; i < files.Length; i++)
        {
            var (state, compression, psnr, objects) = await gateway.InstanceAsync(uids[i]);
            Assert.Equal(("compressed", "latent"), (state, compression));
            Assert.Equal(["latent"], objects.Select(o => o.Kind));
            var latent = objects.Single(o => o.Kind == "latent");
            Assert.Equal(("medvae-latent/1", "compact-f16-c2"), (latent.Codec, latent.Model));
            var original = DicomFile.Open(files[i]);
            var info = DicomPixelData.Create(original.Dataset, original.TransferSyntax).Info;
            var pixelBytes = (long)info.Rows * info.Columns * info.BytesPerSample;
            Assert.True(latent.Size * 15 <= pixelBytes, $"{files[i]}: latent of {latent.Size} bytes for {pixelBytes} pixel bytes");

            // The recorded PSNR is the one numpy computes between the original (pydicom) and the stored latent decoded.
            var stored = gateway.Probe.ObjectPath(latent.Key);
            Assert.Equal(latent.Sha256, ArchiveProbe.Sha256Of(stored));
            var reconstruction = engine.Decode(await File.ReadAllBytesAsync(stored, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
            var oracle = OraclePsnr(gateway, files[i], reconstruction);
            Assert.NotNull(psnr);
            Assert.Equal(oracle, psnr.Value, 3);
            Assert.True(psnr >= 30, $"PSNR {psnr} dB");
        }

        // Retention 0: the originals went once the latents were recorded; the latents are all that is left (the headers are in the index).
        Assert.Equal(2, gateway.Probe.ObjectFiles().Count);
        Assert.Equal(1, await gateway.ScalarAsync("select count(*) from models where id = 'compact-f16-c2'"));
    }

    [Fact]
    public async Task A_noise_image_fails_the_quality_gate_and_is_stored_lossless_bit_exact()
    {
        var noise = Path.Combine(Directory.CreateTempSubdirectory("noise-").FullName, "noise.dcm");
        try
        {
            WriteNoiseImage(TestData.RequireSharedData(CtSlice), noise);
            // Only the latent is allowed: it misses the gate, lossless is the fallback, and the AI latent stays beside it.
            await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Representations:0"] = "Latent" });
            gateway.RequireEngine();
            var uid = (await gateway.StowAsync(noise))[0];

            Assert.Equal(3, await gateway.DrainAsync());

            var (state, compression, psnr, objects) = await gateway.InstanceAsync(uid);
            Assert.Equal(("compressed", "lossless", (double?)null), (state, compression, psnr));
            Assert.Equal(["ai-latent", "lossless"], objects.Select(o => o.Kind).Order(StringComparer.Ordinal));
            var lossless = Assert.Single(objects, o => o.Kind == "lossless");
            Assert.Equal(DicomTransferSyntax.JpegLSLossless.Uid, lossless.Codec);
            var script = "import sys, numpy, pydicom; a = pydicom.dcmread(sys.argv[1]).pixel_array; b = pydicom.dcmread(sys.argv[2]).pixel_array; print('equal' if a.dtype == b.dtype and numpy.array_equal(a, b) else 'differ')";
            Assert.Equal("equal", ExternalTool.Run(ExternalTool.DebianPython, ["-c", script, noise, gateway.Probe.ObjectPath(lossless.Key)], "python3-pydicom python3-gdcm").Output.Trim());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(noise)!, recursive: true);
        }
    }

    /// <summary>The CT slice's header with uniform random stored values over its range and a new SOP Instance UID.</summary>
    private static void WriteNoiseImage(string template, string path)
    {
        var file = new DicomTranscoder().Transcode(DicomFile.Open(template), DicomTransferSyntax.ExplicitVRLittleEndian);
        var info = DicomPixelData.Create(file.Dataset, file.TransferSyntax).Info;
        var random = new Random(6);
        var pixels = new byte[info.PixelCount * 2];
        for (var i = 0; i < info.PixelCount; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pixels.AsSpan(2 * i), (short)random.Next(-1024, 3072));
        }

        file.Dataset.Add(new DicomValueElement(DicomTags.PixelData, DicomVR.OW, pixels));
        file.Dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture));
        file.Save(path);
    }

    /// <summary>PSNR (dB) by tests/oracle/quality_reference.py of the original's stored values (pydicom) against <paramref name="reconstruction"/>.</summary>
    private static double OraclePsnr(CompressionGateway gateway, string original, Gateway.Core.Compression.PixelFrames reconstruction)
    {
        var folder = Path.Combine(gateway.Gateway.DataDirectory, "oracle");
        Directory.CreateDirectory(folder);
        var originalValues = Path.Combine(folder, "original.i32");
        var reconstructed = Path.Combine(folder, "reconstructed.i32");
        ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            ["-c", "import sys, numpy, pydicom; pydicom.dcmread(sys.argv[1]).pixel_array.astype('<i4').tofile(sys.argv[2])", original, originalValues],
            "python3-pydicom");
        var bytes = new byte[reconstruction.Values.Length * 4];
        Buffer.BlockCopy(reconstruction.Values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(reconstructed, bytes);
        var script = Path.Combine(RepositoryRoot(), "tests", "oracle", "quality_reference.py");
        var output = ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            [script, originalValues, reconstructed, "1", reconstruction.Rows.ToString(CultureInfo.InvariantCulture), reconstruction.Columns.ToString(CultureInfo.InvariantCulture)],
            "python3-numpy");
        using var json = System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[0]);
        return json.RootElement.GetProperty("psnr").GetDouble();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Gateway.sln not found above the test assembly.");
    }
}
