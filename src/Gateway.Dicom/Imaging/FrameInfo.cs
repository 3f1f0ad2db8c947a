namespace Gateway.Dicom.Imaging;

/// <summary>Planar Configuration (0028,0006): how the samples of a colour pixel are laid out.</summary>
public enum PlanarConfiguration
{
    /// <summary>R1 G1 B1 R2 G2 B2 ... (colour-by-pixel).</summary>
    Interleaved = 0,

    /// <summary>R1 R2 ... G1 G2 ... B1 B2 ... (colour-by-plane).</summary>
    Planar = 1,
}

/// <summary>
/// Geometry and sample format of one frame: what a codec needs to know besides the bytes.
/// Native frames are little endian, each sample in a container of <see cref="BitsAllocated"/> bits.
/// </summary>
public sealed record FrameInfo(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    bool IsSigned,
    string PhotometricInterpretation,
    PlanarConfiguration PlanarConfiguration = PlanarConfiguration.Interleaved)
{
    /// <summary>Bytes of one sample in a native frame (1 for BitsAllocated 1 and 8, 2 for 16, 4 for 32, 8 for 64).</summary>
    public int BytesPerSample => BitsAllocated <= 8 ? 1 : BitsAllocated / 8;

    public int PixelCount => checked(Rows * Columns);

    /// <summary>Bytes of one native frame; BitsAllocated 1 packs eight pixels a byte.</summary>
    public long NativeFrameLength => BitsAllocated == 1
        ? ((long)PixelCount * SamplesPerPixel + 7) / 8
        : (long)PixelCount * SamplesPerPixel * BytesPerSample;

    /// <summary>The same frame described with another photometric interpretation and planar configuration.</summary>
    public FrameInfo With(string photometricInterpretation, PlanarConfiguration planarConfiguration) =>
        this with { PhotometricInterpretation = photometricInterpretation, PlanarConfiguration = planarConfiguration };
}
