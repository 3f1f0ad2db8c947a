using Gateway.Compression.Engine;

namespace Gateway.Compression.Tests.Models;

/// <summary>
/// The gateway's ONNX Runtime path for the 3D models against the trainer's PyTorch model (weights.pt): encode and
/// decode of a synthetic 37 x 45 x 41 volume (no axis a multiple of the scale, so padding and cropping on every axis
/// are covered) agree within 1e-3 in [-1, 1] units. The expected values are PyTorch's, computed at test time.
/// compact3d-f512-c0 ships without weights.pt (it would exceed 50 MB), so only compact3d-f64-c0 is compared; both
/// run the same code.
/// </summary>
public sealed class VolumePyTorchParityTests
{
    private const float Tolerance = 1e-3f;

    [Theory]
    [InlineData("compact3d-f64-c0")]
    public void EncodeAndDecodeEqualPyTorchWithin1e3(string modelId)
    {
        PyTorchReference.RequireTorch();
        var size = new VolumeSize(37, 45, 41);
        var reference = PyTorchReference.Run(modelId, size.Depth, size.Height, size.Width);
        var model = SharedModels.Instance.GetVolume(modelId);
        var latentSize = new VolumeSize(reference.LatentShape[1], reference.LatentShape[2], reference.LatentShape[3]);

        var latent = model.Encode(reference.Image, size, CancellationToken.None);
        var decoded = model.Decode(new LatentVolume(reference.LatentShape[0], latentSize, reference.Latent), size, CancellationToken.None);

        Assert.Equal(size.DivideRoundingUp(model.ScalePerSide), latentSize);
        Assert.Equal(latentSize, latent.Size);
        var encodeError = SharedModels.MaxAbsDifference(reference.Latent, latent.Values);
        var decodeError = SharedModels.MaxAbsDifference(reference.Decoded, decoded);
        Assert.True(encodeError <= Tolerance, $"encode: max abs error {encodeError} against PyTorch");
        Assert.True(decodeError <= Tolerance, $"decode: max abs error {decodeError} against PyTorch");
        TestContext.Current.TestOutputHelper?.WriteLine($"{modelId}: encode max abs error {encodeError:E2}, decode {decodeError:E2}");
    }
}
