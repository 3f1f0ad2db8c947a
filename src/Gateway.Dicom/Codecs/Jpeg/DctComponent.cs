namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// One component of a DCT frame: its geometry (T.81 A.1.1) and the quantised coefficients of all its
/// blocks in natural (row-major) order, 64 per block. The block grid covers whole MCUs, so the dummy
/// blocks of interleaved scans have a place too.
/// </summary>
internal sealed class DctComponent
{
    public DctComponent(JpegFrameComponent spec, int index, int maxHorizontal, int maxVertical, int width, int height)
    {
        Id = spec.Id;
        Index = index;
        HorizontalSampling = spec.HorizontalSampling;
        VerticalSampling = spec.VerticalSampling;
        QuantizationTableId = spec.QuantizationTable;
        Width = DivideRoundingUp(width * HorizontalSampling, maxHorizontal);
        Height = DivideRoundingUp(height * VerticalSampling, maxVertical);
        BlocksPerLine = DivideRoundingUp(Width, 8);
        BlocksPerColumn = DivideRoundingUp(Height, 8);
        var mcusPerLine = DivideRoundingUp(width, 8 * maxHorizontal);
        var mcuRows = DivideRoundingUp(height, 8 * maxVertical);
        StoredBlocksPerLine = mcusPerLine * HorizontalSampling;
        StoredBlocksPerColumn = mcuRows * VerticalSampling;
        Coefficients = new short[StoredBlocksPerLine * StoredBlocksPerColumn * 64];
    }

    public int Id { get; }

    /// <summary>Position in the frame header.</summary>
    public int Index { get; }

    public int HorizontalSampling { get; }

    public int VerticalSampling { get; }

    public int QuantizationTableId { get; }

    /// <summary>The quantisation table in natural order, fixed when the first scan of this component starts (as libjpeg does).</summary>
    public ushort[]? Quantization { get; set; }

    /// <summary>Samples per line of this component (downsampled width).</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>Blocks that hold samples of the component (the extent of a non-interleaved scan).</summary>
    public int BlocksPerLine { get; }

    public int BlocksPerColumn { get; }

    /// <summary>Blocks stored per line: whole MCUs of interleaved scans.</summary>
    public int StoredBlocksPerLine { get; }

    public int StoredBlocksPerColumn { get; }

    public short[] Coefficients { get; }

    /// <summary>The predictor of the DC coefficient (T.81 F.1.2.1), reset at each scan and restart.</summary>
    public int DcPredictor { get; set; }

    public Span<short> Block(int row, int column) => Coefficients.AsSpan(((row * StoredBlocksPerLine) + column) * 64, 64);

    private static int DivideRoundingUp(int value, int divisor) => (value + divisor - 1) / divisor;
}
