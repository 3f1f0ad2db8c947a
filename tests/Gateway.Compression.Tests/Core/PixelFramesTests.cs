using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Core;

public sealed class PixelFramesTests
{
    [Theory]
    [InlineData(12, false, 0, 4095)]
    [InlineData(16, false, 0, 65535)]
    [InlineData(16, true, -32768, 32767)]
    [InlineData(8, true, -128, 127)]
    public void Stored_range_follows_bits_stored_and_sign(int bitsStored, bool signed, int min, int max)
    {
        var frames = new PixelFrames(1, 1, 1, 16, bitsStored, signed, [0]);
        Assert.Equal((min, max), frames.StoredRange);
    }

    [Fact]
    public void Frame_returns_the_values_of_that_frame()
    {
        var frames = new PixelFrames(2, 2, 2, 16, 12, false, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal([5, 6, 7, 8], frames.Frame(1).ToArray());
    }
}
