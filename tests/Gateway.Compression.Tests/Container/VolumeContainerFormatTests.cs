using System.Buffers.Binary;
using Gateway.Compression.Container;

namespace Gateway.Compression.Tests.Container;

/// <summary>The series latent container (version 2): what goes in comes back, and damaged bytes or another slice order are refused.</summary>
public sealed class VolumeContainerFormatTests
{
    private static readonly string[] Uids = ["1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4", "1.2.3.5", "1.2.3.6", "1.2.3.7", "1.2.3.8"];

    [Fact]
    public void Every_field_comes_back_and_the_latent_within_half_an_int8_step_per_channel()
    {
        var original = Sample();

        var read = VolumeContainerFormat.Read(VolumeContainerFormat.Write(original), Uids);

        Assert.Equal((original.ModelId, original.ModelSha256), (read.ModelId, read.ModelSha256));
        Assert.Equal((8, 48, 40, 16, 12, false), (read.Slices, read.Rows, read.Columns, read.BitsAllocated, read.BitsStored, read.Signed));
        Assert.Equal(original.Volume, read.Volume);
        Assert.Equal(original.SliceRanges, read.SliceRanges);
        Assert.Equal(original.Tiling, read.Tiling);
        Assert.Equal(original.SliceOrderSha256, read.SliceOrderSha256);
        Assert.Equal([1, 2, 2, 12, 10], read.LatentShape);
        var plane = 2 * 12 * 10;
        for (var c = 0; c < 2; c++)
        {
            var values = original.Latent.AsSpan(c * plane, plane);
            var step = (values.ToArray().Max() - values.ToArray().Min()) / 255f;
            for (var i = 0; i < plane; i++)
            {
                Assert.True(Math.Abs(read.Latent[(c * plane) + i] - values[i]) <= (step / 2) + 1e-6f, $"channel {c} value {i}");
            }
        }
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_refused()
    {
        var bytes = VolumeContainerFormat.Write(Sample());
        for (var offset = 10; offset < bytes.Length; offset += 7)
        {
            var damaged = bytes.ToArray();
            damaged[offset] ^= 0x20;

            var exception = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(damaged, Uids));

            Assert.Equal(LatentContainerError.ChecksumMismatch, exception.Error);
        }
    }

    [Fact]
    public void A_truncated_container_is_refused()
    {
        var bytes = VolumeContainerFormat.Write(Sample());

        var exception = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(bytes.AsSpan(0, bytes.Length - 1), Uids));

        Assert.Equal(LatentContainerError.Truncated, exception.Error);
    }

    [Fact]
    public void Another_slice_order_or_another_list_is_refused()
    {
        var bytes = VolumeContainerFormat.Write(Sample());
        string[] swapped = [Uids[1], Uids[0], .. Uids[2..]];

        var reordered = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(bytes, swapped));
        var shorter = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(bytes, Uids[..7]));
        var other = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(bytes, [.. Uids[..7], "1.2.3.9"]));

        Assert.All([reordered, shorter, other], exception => Assert.Equal(LatentContainerError.SliceOrderMismatch, exception.Error));
    }

    [Fact]
    public void The_two_versions_are_never_read_as_each_other()
    {
        var series = VolumeContainerFormat.Write(Sample());
        var instance = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Int8);

        var asInstance = Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read(series));
        var asSeries = Assert.Throws<LatentContainerException>(() => VolumeContainerFormat.Read(instance, Uids));

        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(series.AsSpan(4)));
        Assert.Equal(LatentContainerError.UnsupportedVersion, asInstance.Error);
        Assert.Contains("a series latent", asInstance.Message, StringComparison.Ordinal);
        Assert.Equal(LatentContainerError.UnsupportedVersion, asSeries.Error);
    }

    [Fact]
    public void An_inconsistent_record_is_not_written()
    {
        Assert.Throws<ArgumentException>(() => VolumeContainerFormat.Write(Sample() with { SliceRanges = [new FrameNormalization(0, 1)] }));
        Assert.Throws<ArgumentException>(() => VolumeContainerFormat.Write(Sample() with { LatentShape = [2, 2, 2, 12, 10] }));
    }

    /// <summary>8 slices of 48 x 40 (12 bits), a [1, 2, 2, 12, 10] latent of two differently scaled channels.</summary>
    private static VolumeLatentContainer Sample()
    {
        var random = new Random(7);
        var latent = new float[2 * 2 * 12 * 10];
        for (var i = 0; i < latent.Length; i++)
        {
            latent[i] = i < latent.Length / 2 ? (float)((random.NextDouble() * 6) - 3) : (float)(random.NextDouble() * 0.01);
        }

        var ranges = Enumerable.Range(0, 8).Select(s => new FrameNormalization(s * 3, 3000 + s)).ToArray();
        return new VolumeLatentContainer(
            "compact3d-test", new string('a', 64), 8, 48, 40, 16, 12, false, new FrameNormalization(0, 3007), ranges,
            [new TilingInfo(256, 38), new TilingInfo(256, 38), new TilingInfo(256, 38)], SliceOrder.Sha256(Uids), [1, 2, 2, 12, 10], latent);
    }
}
