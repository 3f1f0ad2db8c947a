namespace Gateway.Dicom.Codecs.Native;

/// <summary>Applies a codec's thread setting with opj_codec_set_threads when the library was built with thread support.</summary>
internal static class OpenJpegThreads
{
    private static readonly Lazy<bool> Supported = new(() => NativeOpenJpeg.HasThreadSupport() != 0);

    /// <summary>
    /// <paramref name="threads"/> 0 keeps OpenJPEG's default (the OPJ_NUM_THREADS environment variable, else one
    /// thread); a positive count is passed to opj_codec_set_threads. Call after opj_setup_decoder/opj_setup_encoder.
    /// </summary>
    public static void Apply(OpenJpegCodecHandle codec, int threads, OpenJpegErrorLog errors)
    {
        if (threads > 0 && Supported.Value)
        {
            errors.Check(NativeOpenJpeg.SetThreads(codec, threads), "opj_codec_set_threads");
        }
    }
}
