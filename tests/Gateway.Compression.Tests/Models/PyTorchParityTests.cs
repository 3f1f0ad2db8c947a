namespace Gateway.Compression.Tests.Models;

/// <summary>
/// The gateway's ONNX Runtime path against the trainer's PyTorch model (weights.pt): encode and decode of a synthetic
/// 250 x 190 frame (not a multiple of the scale, so edge padding and cropping are covered) agree within 1e-3 in
/// [-1, 1] units.
/// </summary>
public sealed class PyTorchParityTests
{
    private const float Tolerance = 1e-3f;

    [Theory]
    [InlineData("compact-f16-c1")]
    [InlineData("compact-f64-c1")]
    [InlineData("compact-f16-c2")]
    [InlineData("compact-f64-c2")]
    public void EncodeAndDecodeEqualPyTorchWithin1e3(string modelId)
    {
        var reference = PyTorchReference.Run(modelId, 250, 190);
        var model = SharedModels.Instance.Get(modelId);

        var latent = model.Encode(reference.Image, reference.Height, reference.Width, CancellationToken.None);
        var decoded = model.Decode(
            new Gateway.Compression.Engine.LatentFrame(reference.LatentShape[0], reference.LatentShape[1], reference.LatentShape[2], reference.Latent),
            reference.Height, reference.Width, CancellationToken.None);

        Assert.Equal(reference.LatentShape, new[] { latent.Channels, latent.Height, latent.Width });
        var encodeError = SharedModels.MaxAbsDifference(reference.Latent, latent.Values);
        var decodeError = SharedModels.MaxAbsDifference(reference.Decoded, decoded);
        Assert.True(encodeError <= Tolerance, $"encode: max abs error {encodeError} against PyTorch");
        Assert.True(decodeError <= Tolerance, $"decode: max abs error {decodeError} against PyTorch");
        TestContext.Current.TestOutputHelper?.WriteLine($"{modelId}: encode max abs error {encodeError:E2}, decode {decodeError:E2}");
    }
}
