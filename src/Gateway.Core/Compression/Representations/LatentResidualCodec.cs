using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression.Representations;

/// <summary>A latent+residual encoding that met its target: the object, its bytes and the quality of its decode.</summary>
public sealed record LatentResidualResult(LatentResidualObject Object, long Bytes, QualityMeasure Quality);

/// <summary>
/// The latent+residual representation: the latent plus the residual original - reconstruction (<see cref="Residual"/>),
/// coded by JPEG-LS near-lossless with NEAR = k for a target with a maximum absolute error k (every stored value then
/// within k), else by JPEG 2000 irreversible at the highest ratio that meets the PSNR/SSIM target. Decoding adds the
/// decoded residual to the latent's reconstruction and clips to the stored range.
/// </summary>
public sealed class LatentResidualCodec(DicomCodecRegistry registry)
{
    /// <summary>JPEG-LS's largest NEAR (ITU-T T.87: min(255, MAXVAL / 2)).</summary>
    public const int MaxNear = 255;

    /// <summary>
    /// The qualifying encoding with the fewest bytes, fewer than <paramref name="fewerThan"/>; null when none qualifies
    /// (or the residual is too wide). <paramref name="tried"/> counts the residual encodings tried.
    /// </summary>
    public LatentResidualResult? Search(
        PixelFrames original, byte[] latent, PixelFrames reconstruction, CandidateJudge judge, long fewerThan, out int tried)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(judge);
        tried = 0;
        var pixelBytes = (long)original.Values.Length * (original.BitsAllocated / 8);
        var target = judge.Target;
        if (target.MaxAbsError is { } k)
        {
            var near = Math.Min(k, MaxNear);
            var residual = Residual.Of(original, reconstruction, Residual.BitsFor((2 * near) + 1));
            if (residual is null)
            {
                return null;
            }

            tried = 1;
            var result = Trial(original, latent, reconstruction, residual, ResidualCoding.JpegLSNearLossless, near, EncodeOptions.Default with { JpegLSNear = near }, judge);
            var fits = result.Bytes < fewerThan && target.AllowsRatio(pixelBytes, result.Bytes);
            return fits && target.Meets(result.Quality) ? result : null;
        }

        var wide = Residual.Of(original, reconstruction, 2);
        if (wide is null)
        {
            return null;
        }

        // The residual's ratio is on its own native bytes (16-bit samples); the bounds come from the whole object's.
        var residualNative = (double)wide.Values.Length * 2;
        var room = fewerThan - 1 - latent.Length - 64;
        if (room <= 0)
        {
            return null;
        }

        var floor = target.MinBytes(pixelBytes) - latent.Length;
        var low = Math.Max(J2kLossyEncoder.MinSearchRatio, residualNative / room);
        var high = Math.Min(J2kLossyEncoder.MaxSearchRatio, floor > 0 ? residualNative / floor : J2kLossyEncoder.MaxSearchRatio);
        // Searched by quality (and the cap) alone, the bound checked on the answer, as for j2k-lossy.
        var found = RateSearch.Highest(low, high, ratio =>
        {
            var result = Trial(original, latent, reconstruction, wide, ResidualCoding.Jpeg2000, 0, EncodeOptions.Default with { Jpeg2000Ratio = ratio }, judge);
            return (target.Meets(result.Quality) && target.AllowsRatio(pixelBytes, result.Bytes), result);
        }, out tried);
        return found is not null && found.Bytes < fewerThan ? found : null;
    }

    /// <summary>Decodes a latent+residual object given its latent's reconstruction (the latent engine decodes <see cref="LatentResidualObject.Latent"/>).</summary>
    public PixelFrames Decode(LatentResidualObject stored, PixelFrames reconstruction)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (stored.Codestreams.Count != reconstruction.Frames)
        {
            throw new DicomException($"The residual has {stored.Codestreams.Count} frames; the latent {reconstruction.Frames}.");
        }

        var info = InfoOf(reconstruction, stored.Bits);
        var values = new int[reconstruction.Values.Length];
        for (var f = 0; f < reconstruction.Frames; f++)
        {
            FrameCoder.Decode(registry, stored.ResidualSyntax, info, stored.Codestreams[f], values.AsSpan(f * reconstruction.FrameLength, reconstruction.FrameLength));
        }

        return new Residual(reconstruction.Rows, reconstruction.Columns, reconstruction.Frames, stored.Bits, stored.Offsets, values).AddTo(reconstruction);
    }

    private LatentResidualResult Trial(
        PixelFrames original, byte[] latent, PixelFrames reconstruction, Residual residual, ResidualCoding coding, int near, EncodeOptions options, CandidateJudge judge)
    {
        var syntax = LatentResidualObject.SyntaxOf(coding);
        var info = InfoOf(reconstruction, residual.Bits);
        var codestreams = new List<byte[]>(residual.Frames);
        for (var f = 0; f < residual.Frames; f++)
        {
            codestreams.Add(FrameCoder.Encode(registry, syntax, info, residual.Values.AsSpan(f * residual.FrameLength, residual.FrameLength), options));
        }

        var stored = new LatentResidualObject(latent, coding, near, residual.Bits, residual.Offsets, codestreams);
        var (_, quality) = judge.Judge(original, Decode(stored, reconstruction));
        return new LatentResidualResult(stored, stored.Write().Length, quality);
    }

    /// <summary>Residual frames: one unsigned sample of <paramref name="bits"/> in a 16-bit container.</summary>
    private static FrameInfo InfoOf(PixelFrames geometry, int bits) => new(geometry.Rows, geometry.Columns, 1, 16, bits, false, "MONOCHROME2");
}
