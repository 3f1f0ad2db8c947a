using System.Buffers.Binary;
using Gateway.Compression.Container;

namespace Gateway.Compression.Tests.Container;

public sealed class LatentContainerFormatTests
{
    [Theory]
    [InlineData(LatentQuantization.Fp16)]
    [InlineData(LatentQuantization.Int8)]
    public void Header_fields_come_back_as_written(LatentQuantization quantization)
    {
        var original = ContainerSamples.TwoFrames(new TilingInfo(512, 54));

        var (read, readQuantization) = LatentContainerFormat.ReadWithQuantization(LatentContainerFormat.Write(original, quantization));

        Assert.Equal(quantization, readQuantization);
        Assert.Equal(original.ModelId, read.ModelId);
        Assert.Equal(original.ModelSha256, read.ModelSha256);
        Assert.Equal((96, 80, 2, 16, 12, true, "MONOCHROME2"),
            (read.Rows, read.Columns, read.Frames, read.BitsAllocated, read.BitsStored, read.Signed, read.PhotometricInterpretation));
        Assert.Equal(original.Normalization, read.Normalization);
        Assert.Equal(new TilingInfo(512, 54), read.Tiling);
        Assert.Equal(original.LatentShape, read.LatentShape);
    }

    [Fact]
    public void A_container_without_tiling_reads_back_without_tiling()
    {
        var read = LatentContainerFormat.Read(LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16));
        Assert.Null(read.Tiling);
    }

    [Fact]
    public void Fp16_keeps_every_value_to_half_precision()
    {
        var original = ContainerSamples.TwoFrames();

        var read = LatentContainerFormat.Read(LatentContainerFormat.Write(original, LatentQuantization.Fp16));

        // IEEE binary16 has an 11-bit significand: relative rounding error at most 2^-11.
        for (var i = 0; i < original.Latent.Length; i++)
        {
            Assert.True(Math.Abs(read.Latent[i] - original.Latent[i]) <= Math.Abs(original.Latent[i]) * Math.Pow(2, -11) + 1e-7,
                $"value {i}: {original.Latent[i]} came back as {read.Latent[i]}");
        }
    }

    [Fact]
    public void Int8_keeps_every_value_within_half_a_step_of_its_own_channel()
    {
        var original = ContainerSamples.TwoFrames();
        var plane = 24 * 20;

        var read = LatentContainerFormat.Read(LatentContainerFormat.Write(original, LatentQuantization.Int8));

        for (var c = 0; c < 2; c++)
        {
            var values = Enumerable.Range(0, original.Latent.Length).Where(i => i / plane % 2 == c).ToArray();
            var step = (values.Max(i => original.Latent[i]) - values.Min(i => original.Latent[i])) / 255.0;
            Assert.InRange(step, 0.005, 0.01); // each channel is scaled by its own range (about 2.4 and 2), not the global one (about 13)
            foreach (var i in values)
            {
                Assert.True(Math.Abs(read.Latent[i] - original.Latent[i]) <= (step / 2) + 1e-5,
                    $"channel {c} value {i}: {original.Latent[i]} came back as {read.Latent[i]} (step {step})");
            }
        }
    }

    [Fact]
    public void Int8_of_a_constant_channel_gives_the_constant_back()
    {
        var constant = ContainerSamples.TwoFrames() with { Latent = Enumerable.Repeat(0.375f, 2 * 2 * 24 * 20).ToArray() };

        var read = LatentContainerFormat.Read(LatentContainerFormat.Write(constant, LatentQuantization.Int8));

        Assert.All(read.Latent, value => Assert.Equal(0.375f, value));
    }

    [Theory]
    [InlineData(LatentQuantization.Fp16)]
    [InlineData(LatentQuantization.Int8)]
    public void The_same_record_gives_the_same_bytes(LatentQuantization quantization)
    {
        Assert.Equal(
            LatentContainerFormat.Write(ContainerSamples.TwoFrames(), quantization),
            LatentContainerFormat.Write(ContainerSamples.TwoFrames(), quantization));
    }

    [Theory]
    [InlineData(LatentQuantization.Fp16, 2)]
    [InlineData(LatentQuantization.Int8, 1)]
    public void The_payload_of_a_smooth_latent_is_smaller_than_its_raw_codes(LatentQuantization quantization, int bytesPerValue)
    {
        var container = ContainerSamples.TwoFrames();
        var bytes = LatentContainerFormat.Write(container, quantization);
        Assert.True(bytes.Length < container.Latent.Length * bytesPerValue, $"{bytes.Length} bytes for {container.Latent.Length} values");
    }

    [Fact]
    public void Container_starts_with_magic_version_and_length_and_ends_with_the_sha256_of_the_rest()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16);

        Assert.Equal("MVLT"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(bytes.Length, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Every_truncation_is_reported_as_truncated()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Int8);

        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read(bytes.AsSpan(0, length))).Error;
            Assert.Equal(LatentContainerError.Truncated, error);
        }
    }

    [Fact]
    public void Wrong_magic_is_reported_as_not_a_container()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16);
        bytes[0] = (byte)'P';

        var exception = Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read(bytes));

        Assert.Equal(LatentContainerError.NotAContainer, exception.Error);
        Assert.Contains("MVLT", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_future_version_is_refused_as_unsupported()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);

        var exception = Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read(bytes));

        Assert.Equal(LatentContainerError.UnsupportedVersion, exception.Error);
        Assert.Contains("version 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_bit_anywhere_after_the_preamble_fails_the_checksum()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16);

        for (var position = 10; position < bytes.Length; position++)
        {
            var corrupted = bytes.ToArray();
            corrupted[position] ^= (byte)(1 << (position % 8));
            var error = Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read(corrupted)).Error;
            Assert.Equal(LatentContainerError.ChecksumMismatch, error);
        }
    }

    [Fact]
    public void Bytes_after_the_end_are_refused()
    {
        var bytes = LatentContainerFormat.Write(ContainerSamples.TwoFrames(), LatentQuantization.Fp16);
        Assert.Equal(LatentContainerError.Corrupt, Assert.Throws<LatentContainerException>(() => LatentContainerFormat.Read([.. bytes, 0])).Error);
    }

    [Fact]
    public void A_record_whose_shape_does_not_match_its_values_is_refused()
    {
        var wrong = ContainerSamples.TwoFrames() with { LatentShape = [2, 2, 24, 21] };
        Assert.Throws<ArgumentException>(() => LatentContainerFormat.Write(wrong, LatentQuantization.Fp16));
    }

    [Fact]
    public void A_record_with_a_normalisation_missing_is_refused()
    {
        var wrong = ContainerSamples.TwoFrames() with { Normalization = [new FrameNormalization(0, 1)] };
        Assert.Throws<ArgumentException>(() => LatentContainerFormat.Write(wrong, LatentQuantization.Fp16));
    }

    [Fact]
    public void A_model_sha256_that_is_not_64_hex_digits_is_refused()
    {
        var wrong = ContainerSamples.TwoFrames() with { ModelSha256 = "abc" };
        Assert.Throws<ArgumentException>(() => LatentContainerFormat.Write(wrong, LatentQuantization.Fp16));
    }

    [Theory]
    [InlineData(LatentQuantization.Fp16, 162)]
    [InlineData(LatentQuantization.Int8, 170)]
    public void Overhead_of_a_one_frame_one_channel_container_is_as_documented(LatentQuantization quantization, int overhead)
    {
        // docs/latent-container.md: everything but the payload, for model id "compact-f16-c1" and "MONOCHROME2".
        var container = new LatentContainer(
            "compact-f16-c1", ContainerSamples.Sha256, 512, 512, 1, 16, 12, false, "MONOCHROME2", [new FrameNormalization(0, 4095)], null,
            [1, 1, 128, 128], Enumerable.Range(0, 128 * 128).Select(i => MathF.Sin(i * 0.01f)).ToArray());

        var bytes = LatentContainerFormat.Write(container, quantization);

        Assert.Equal(overhead, bytes.Length - ReadPayloadLength(bytes));
    }

    private static int ReadPayloadLength(byte[] bytes)
    {
        // The payload length is the u32 just before the payload, which ends where the checksum starts: the first
        // (shortest) consistent candidate.
        for (var length = 0; length < bytes.Length; length++)
        {
            var at = bytes.Length - 32 - length - 4;
            if (at >= 0 && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)) == length)
            {
                return length;
            }
        }

        throw new InvalidOperationException("No payload length found.");
    }
}
