using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression.Representations;

/// <summary>A JPEG 2000 irreversible encoding that met its target: the ratio asked of OpenJPEG, the codestreams' bytes and the quality of their decode.</summary>
public sealed record J2kLossyResult(double Ratio, long PixelBytes, QualityMeasure Quality);

/// <summary>
/// The j2k-lossy representation: JPEG 2000 irreversible 9/7 (1.2.840.10008.1.2.4.91) at the highest ratio whose
/// decoded frames meet the target (<see cref="RateSearch"/>), stored as a whole Part 10 file with Lossy Image
/// Compression "01", its ratio and method ISO_15444_1 (<see cref="DicomTranscoder"/>), so that clients accepting
/// .91 get it as stored. The search encodes the frames exactly as the transcoder does (the decoded native frames,
/// normalised, with the same options), so the file's codestreams are the ones the search measured; the compress job
/// still decodes the stored file before its quality counts.
/// </summary>
public sealed class J2kLossyEncoder(DicomCodecRegistry registry)
{
    /// <summary>The transfer syntax of j2k-lossy objects.</summary>
    public static DicomTransferSyntax Syntax => DicomTransferSyntax.Jpeg2000;

    /// <summary>The highest ratio tried (a 512 x 512 16-bit frame in about 250 bytes).</summary>
    public const double MaxSearchRatio = 2000;

    /// <summary>The lowest ratio tried.</summary>
    public const double MinSearchRatio = 1.5;

    /// <summary>Whether JPEG 2000 can hold the instance's pixels.</summary>
    public bool CanEncode(DicomPixelData pixelData)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        return registry.Get(Syntax).CanEncode(Syntax, pixelData.Info.With(pixelData.Info.PhotometricInterpretation, PlanarConfiguration.Interleaved));
    }

    /// <summary>
    /// The qualifying encoding with the fewest bytes, fewer than <paramref name="fewerThan"/> and no fewer than the
    /// target's cap allows; null when none qualifies. <paramref name="tried"/> counts the encodings tried.
    /// </summary>
    public J2kLossyResult? Search(DicomPixelData pixelData, PixelFrames original, CandidateJudge judge, long fewerThan, out int tried)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(judge);
        var frames = new List<(byte[] Native, FrameInfo Info)>(pixelData.NumberOfFrames);
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            var decoded = FrameDecoder.Decode(pixelData, i, registry);
            var info = pixelData.Info.With(decoded.PhotometricInterpretation, PlanarConfiguration.Interleaved);
            frames.Add((FrameLayout.Normalize(decoded.Data, info), info));
        }

        var pixelBytes = frames.Sum(frame => frame.Info.NativeFrameLength);
        var low = Math.Max(MinSearchRatio, (double)pixelBytes / Math.Max(1, fewerThan - 1));
        var high = Math.Min(MaxSearchRatio, judge.Target.MaxRatio ?? MaxSearchRatio);
        var codec = registry.Get(Syntax);
        // The search looks for the highest ratio that meets the target (quality falls as the ratio rises); whether its
        // bytes beat the bound is checked on the answer: near the bound's own ratio the codestream's markers can make
        // an encoding just too large although a slightly higher ratio would qualify.
        var found = RateSearch.Highest(low, high, ratio =>
        {
            var options = EncodeOptions.Default with { Jpeg2000Ratio = ratio };
            var decoded = new int[original.Values.Length];
            long bytes = 0;
            for (var i = 0; i < frames.Count; i++)
            {
                var (native, info) = frames[i];
                var encoded = codec.Encode(native, Syntax, info, options);
                bytes += encoded.Length;
                FrameCoder.Decode(registry, Syntax, info, encoded, decoded.AsSpan(i * original.FrameLength, original.FrameLength));
            }

            var (meets, quality) = judge.Judge(original, original with { Values = decoded });
            return (meets && judge.Target.AllowsRatio(pixelBytes, bytes), new J2kLossyResult(ratio, bytes, quality));
        }, out tried);
        return found is not null && found.PixelBytes < fewerThan ? found : null;
    }

    /// <summary>The Part 10 file of <paramref name="original"/> in .91 at <paramref name="ratio"/>, with the lossy flags.</summary>
    public byte[] Write(DicomFile original, double ratio)
    {
        ArgumentNullException.ThrowIfNull(original);
        var copy = new DicomTranscoder(registry, EncodeOptions.Default with { Jpeg2000Ratio = ratio }).Transcode(original, Syntax);
        using var bytes = new MemoryStream();
        copy.Save(bytes);
        return bytes.ToArray();
    }
}
