namespace Gateway.Compression.Container;

/// <summary>How the latent values are stored in a container.</summary>
public enum LatentQuantization
{
    /// <summary>IEEE half precision, value by value (round to nearest even).</summary>
    Fp16 = 1,

    /// <summary>
    /// 8-bit codes per channel: value = offset[c] + scale[c] * code, code in 0..255, with offset the channel's minimum
    /// and scale its range / 255 (over all frames).
    /// </summary>
    Int8 = 2,
}

/// <summary>The names of <see cref="LatentQuantization"/> values in the API and the database ("fp16", "int8").</summary>
public static class LatentQuantizationNames
{
    /// <summary>"fp16" or "int8".</summary>
    public static string Name(this LatentQuantization quantization) => quantization switch
    {
        LatentQuantization.Fp16 => "fp16",
        LatentQuantization.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "Unknown quantization."),
    };
}
