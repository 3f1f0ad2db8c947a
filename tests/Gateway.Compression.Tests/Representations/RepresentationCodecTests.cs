using Gateway.Compression.Engine;
using Gateway.Compression.Quality;
using Gateway.Compression.Tests.Engine;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Compression.Tests.Representations;

/// <summary>
/// The pure encoders and decoders of issue 11's representations on real slices (an MPRAGE MR slice, 12 bits, and a
/// CT slice, 16 bits signed), with a 4x4 pooling stand-in as the latent (the residual and rate search are under test,
/// not the model); pydicom and numpy judge the decoded values and files against the original.
/// </summary>
public sealed class RepresentationCodecTests
{
    private const string ModelId = "pool-4";
    private const string MrSlice = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/0096-1.3.12.2.1107.5.2.19.45152.2013030808105959806985847.dcm";
    private const string CtSlice = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A072894_19001203-066.dcm";

    /// <summary>How far above the target a searched rate may land.</summary>
    private const double Margin = 0.75;

    private static readonly DicomCodecRegistry Codecs = DicomCodecRegistry.Default;

    [Theory]
    [InlineData(MrSlice, 1)]
    [InlineData(MrSlice, 4)]
    [InlineData(CtSlice, 3)]
    public void A_latent_plus_JPEG_LS_near_lossless_residual_keeps_every_stored_value_within_k(string slice, int k)
    {
        var (path, original, _) = Load(slice);
        var encoding = Latent(original);

        var result = new LatentResidualCodec(Codecs).Search(original, encoding.Container, encoding.Reconstruction, Judge(new QualityTarget(null, null, k, null)), long.MaxValue, out _);

        Assert.NotNull(result);
        Assert.Equal(ResidualCoding.JpegLSNearLossless, result.Object.Coding);
        var stored = LatentResidualObject.Read(result.Object.Write());
        var decoded = new LatentResidualCodec(Codecs).Decode(stored, new LatentEngine([new PoolingAutoencoder(ModelId, 4)]).Decode(stored.Latent, CancellationToken.None));
        var (_, maxError) = RepresentationOracle.JudgeValues(path, decoded);
        Assert.InRange(maxError, 1, k);
        Assert.True(result.Bytes < original.Values.Length * 2 / 2, $"{result.Bytes} bytes: not even 2:1");
    }

    [Theory]
    [InlineData(MrSlice, 38)]
    [InlineData(CtSlice, 45)]
    public void A_latent_plus_JPEG_2000_residual_meets_a_PSNR_target_within_a_small_margin(string slice, double target)
    {
        var (path, original, _) = Load(slice);
        var encoding = Latent(original);
        Assert.True(QualityMetrics.WorstPsnr(original, encoding.Reconstruction) < target, "the stand-in latent alone already meets the target");

        var result = new LatentResidualCodec(Codecs).Search(original, encoding.Container, encoding.Reconstruction, Judge(new QualityTarget(target, null, null, null)), long.MaxValue, out var tried);

        Assert.NotNull(result);
        Assert.Equal(ResidualCoding.Jpeg2000, result.Object.Coding);
        var decoded = new LatentResidualCodec(Codecs).Decode(LatentResidualObject.Read(result.Object.Write()), encoding.Reconstruction);
        var (psnr, _) = RepresentationOracle.JudgeValues(path, decoded);
        Assert.InRange(psnr, target, target + Margin);
        Assert.InRange(tried, 3, RateSearch.MaxTrials);
    }

    [Theory]
    [InlineData(MrSlice, 35.0, null)]
    [InlineData(CtSlice, 40.0, null)]
    [InlineData(CtSlice, 30.0, 8.0)]
    public void J2k_lossy_meets_its_target_within_a_small_margin_or_stops_at_the_cap_as_a_Part_10_file_pydicom_decodes(string slice, double target, double? cap)
    {
        var (path, original, file) = Load(slice);
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var encoder = new J2kLossyEncoder(Codecs);

        var result = encoder.Search(pixelData, original, Judge(new QualityTarget(target, null, null, cap)), long.MaxValue, out _);

        Assert.NotNull(result);
        var judged = RepresentationOracle.JudgeFile(path, encoder.Write(file, result.Ratio));
        Assert.Equal("1.2.840.10008.1.2.4.91", judged.GetProperty("transferSyntax").GetString());
        Assert.Equal("01", judged.GetProperty("lossy").GetString());
        Assert.Equal("ISO_15444_1", judged.GetProperty("method").GetString());
        Assert.True(judged.GetProperty("sameSop").GetBoolean());
        var psnr = judged.GetProperty("psnr").GetDouble();
        var ratio = judged.GetProperty("ratio").GetDouble();
        Assert.True(psnr >= target, $"PSNR {psnr:F2} dB");
        if (cap is { } maxRatio)
        {
            Assert.InRange(ratio, maxRatio * 0.85, maxRatio);
        }
        else
        {
            Assert.True(psnr < target + Margin, $"PSNR {psnr:F2} dB is more than {Margin} dB above {target}");
        }
    }

    [Fact]
    public void The_chooser_stores_the_smallest_qualifying_representation_and_lossless_when_nothing_qualifies()
    {
        var (_, original, file) = Load(MrSlice);
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var encoding = Latent(original);
        var chooser = new RepresentationChooser(Codecs, new Meter());
        var all = CompressionAction.DefaultLossy;
        var at = (double psnr) => new CompressionAction(CompressionActionKind.Latent, ModelId, new QualityTarget(psnr, null, null, null), all, false);

        foreach (var headers in new[] { StorageOverhead.None, new StorageOverhead(100_000, 0) })
        {
            var choice = chooser.Choose(at(34), original, pixelData, 60_000, encoding, headers);
            var qualifying = choice.Trials.Where(trial => trial.Qualifies).ToList();
            Assert.Equal(qualifying.MinBy(trial => trial.AllInBytes)!.Representation, choice.Name);
            Assert.NotEqual(Representation.Lossless, choice.Representation);
        }

        // A Part 10 object that kept 100 KB of header, against latents that keep none: j2k-lossy's few pixel bytes do not make up for it.
        Assert.NotEqual(Representation.J2kLossy, chooser.Choose(at(34), original, pixelData, 60_000, encoding, new StorageOverhead(100_000, 0)).Representation);

        var none = chooser.Choose(at(99), original, pixelData, 60_000, encoding, StorageOverhead.None);
        Assert.Equal(Representation.Lossless, none.Representation);
        Assert.Single(none.Trials, trial => trial.Qualifies);
    }

    [Fact]
    public void A_latent_plus_residual_object_cut_short_or_of_another_version_is_refused()
    {
        var stored = new LatentResidualObject([1, 2, 3], ResidualCoding.Jpeg2000, 0, 9, [5], [[9, 9, 9, 9]]).Write();
        Assert.Equal([1, 2, 3], LatentResidualObject.Read(stored).Latent);
        Assert.Throws<DicomException>(() => LatentResidualObject.Read(stored.AsSpan(0, stored.Length - 1)));
        stored[4] = 2;
        Assert.Throws<DicomException>(() => LatentResidualObject.Read(stored));
    }

    private static (string Path, PixelFrames Pixels, DicomFile File) Load(string slice)
    {
        var path = TestData.RequireSharedData(slice);
        var file = DicomFile.Open(path);
        var pixels = PixelFramesReader.Read(file.Dataset, DicomPixelData.Create(file.Dataset, file.TransferSyntax), Codecs, out var unsupported);
        Assert.True(pixels is not null, unsupported);
        return (path, pixels, file);
    }

    private static LatentEncoding Latent(PixelFrames original) =>
        new LatentEngine([new PoolingAutoencoder(ModelId, 4)]).Encode(ModelId, original, CancellationToken.None);

    private static CandidateJudge Judge(QualityTarget target) => new(new Meter(), target);

    private sealed class Meter : IQualityMeter
    {
        public QualityMeasure Measure(PixelFrames original, PixelFrames reconstruction) => QualityMetrics.Measure(original, reconstruction);

        public double WorstPsnr(PixelFrames original, PixelFrames reconstruction) => QualityMetrics.WorstPsnr(original, reconstruction);
    }
}
