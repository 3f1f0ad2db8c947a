using Gateway.Compression.Container;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Tests.Models;
using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Engine;

/// <summary>
/// The series latent engine with the repository's 3D models: a volume of stored values comes back with its geometry
/// and within each slice's range; a slab decoded alone equals the same slices of the whole decode; a container is
/// decoded only against the slice order it was made for.
/// </summary>
public sealed class VolumeLatentEngineTests
{
    private static readonly VolumeSize Size = new(140, 24, 20);

    [Theory]
    [InlineData("compact3d-f64-c0")]
    [InlineData("compact3d-f512-c0")]
    public void A_slab_decoded_alone_equals_those_slices_of_the_whole_decode(string modelId)
    {
        var engine = new VolumeLatentEngine(SharedModels.Instance);
        var (volume, uids) = Volume();

        var encoding = engine.Encode(modelId, volume, uids, CancellationToken.None);
        var whole = engine.DecodeSlices(encoding.Container, uids, 0, Size.Depth, CancellationToken.None);
        var slab = engine.DecodeSlices(encoding.Container, uids, 100, 17, CancellationToken.None);

        Assert.Equal(SharedModels.Instance.GetVolume(modelId).Info, encoding.Model);
        Assert.Equal((Size.Depth, Size.Height, Size.Width, 16, 12, false), (whole.Frames, whole.Rows, whole.Columns, whole.BitsAllocated, whole.BitsStored, whole.Signed));
        Assert.Equal(17, slab.Frames);
        var difference = 0;
        for (var i = 0; i < slab.Values.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs(slab.Values[i] - whole.Values[(100 * whole.FrameLength) + i]));
        }

        // Float sums in another tile order may round one stored value the other way.
        Assert.True(difference <= 1, $"the slab differs from the whole decode by {difference}");
        for (var s = 0; s < Size.Depth; s++)
        {
            var (min, max) = (volume.Frame(s).ToArray().Min(), volume.Frame(s).ToArray().Max());
            Assert.All(whole.Frame(s).ToArray(), value => Assert.InRange(value, min, max));
        }
    }

    [Fact]
    public void A_container_is_decoded_only_against_its_own_slice_order()
    {
        var engine = new VolumeLatentEngine(SharedModels.Instance);
        var (volume, uids) = Volume();
        var encoding = engine.Encode("compact3d-f512-c0", volume, uids, CancellationToken.None);
        string[] reversed = [.. uids.Reverse()];

        var exception = Assert.Throws<LatentContainerException>(() => engine.DecodeSlices(encoding.Container, reversed, 0, 1, CancellationToken.None));

        Assert.Equal(LatentContainerError.SliceOrderMismatch, exception.Error);
    }

    [Fact]
    public void Slabs_are_32_latent_slices_deep()
    {
        var engine = new VolumeLatentEngine(SharedModels.Instance);

        Assert.Equal((128, 64), engine.SlabOf("compact3d-f64-c0", 192, 150));
        Assert.Equal((0, 128), engine.SlabOf("compact3d-f64-c0", 192, 127));
        Assert.Equal((0, 44), engine.SlabOf("compact3d-f512-c0", 44, 43));
        Assert.Throws<LatentModelUnavailableException>(() => engine.SlabOf("compact-f16-c1", 44, 0));
    }

    /// <summary>A 12-bit volume: the synthetic volume of the tiling tests mapped to 0..4000, each slice shifted so slice ranges differ.</summary>
    private static (PixelFrames Volume, string[] Uids) Volume()
    {
        var floats = VolumeTilingTests.SyntheticVolume(Size, seed: 3);
        var values = new int[floats.Length];
        var slice = Size.Height * Size.Width;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (int)Math.Round(((floats[i] + 1) * 1800) + (i / slice * 2));
        }

        var uids = Enumerable.Range(1, Size.Depth).Select(n => $"1.2.826.0.1.{n}").ToArray();
        return (new PixelFrames(Size.Height, Size.Width, Size.Depth, 16, 12, false, values), uids);
    }
}
