using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Retrieve.Rendering;

namespace Gateway.Server.AdminConsole;

/// <summary>An instance's original as received (still kept) and its reconstruction from its replacement (the original itself while it has none).</summary>
internal sealed record ComparePair(DicomFile Original, DicomFile Reconstruction);

/// <summary>
/// The compare page's three images of an instance's first frame, rendered on the server as PNG: the original, the
/// reconstruction (both through the Modality LUT and the chosen window, as WADO-RS renders them), and their difference
/// amplified <see cref="Amplification"/> times: |reconstruction - original| in modality units, as a fraction of the
/// window's width, so a lossless copy is black all over.
/// </summary>
internal static class CompareImages
{
    public const int Amplification = 10;

    /// <summary>The pair, or null when the original is no longer kept (retired after Gateway:Compression:RetentionDays).</summary>
    public static async Task<ComparePair?> LoadAsync(RetrieveService archive, ArchivedInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Objects.FirstOrDefault(stored => stored.Kind == StorageKind.Original) is not { } kept)
        {
            return null;
        }

        var bytes = await archive.ReadObjectAsync(instance, kept, cancellationToken).ConfigureAwait(false);
        var original = DicomFile.Read(new MemoryStream(bytes, writable: false));

        // While the original is kept it is what retrieval serves: the replacement is decoded as it will serve once the
        // original is retired (the reconstruction cache keys it by the replacement's checksum).
        var replacement = instance with { Objects = [.. instance.Objects.Where(stored => stored.Kind != StorageKind.Original)] };
        var reconstruction = replacement.Serving is null ? original : await archive.ReadAsync(replacement, cancellationToken).ConfigureAwait(false);
        return new ComparePair(original, reconstruction);
    }

    public static byte[] Render(DicomFile file, VoiWindow? window)
    {
        ArgumentNullException.ThrowIfNull(file);
        return PngWriter.Write(FrameRenderer.Render(file.Dataset, DicomPixelData.Create(file.Dataset, file.TransferSyntax), 0, window, DicomCodecRegistry.Default));
    }

    /// <exception cref="DicomException">The images are not grey, or their sizes differ.</exception>
    public static byte[] Difference(ComparePair pair, VoiWindow? window)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var (original, info) = ModalityValues(pair.Original);
        var (reconstruction, other) = ModalityValues(pair.Reconstruction);
        if (info.Rows != other.Rows || info.Columns != other.Columns)
        {
            throw new DicomException($"The reconstruction is {other.Columns}x{other.Rows}, the original {info.Columns}x{info.Rows}.");
        }

        var width = window?.Width ?? Math.Max(original.Max() - original.Min(), 1);
        var pixels = new byte[original.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(Math.Round(Math.Abs(reconstruction[i] - original[i]) / width * 255 * Amplification), 0, 255);
        }

        return PngWriter.Write(new RenderedImage(info.Columns, info.Rows, 1, pixels));
    }

    private static (double[] Values, FrameInfo Info) ModalityValues(DicomFile file)
    {
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var info = pixelData.Info;
        if (info.SamplesPerPixel != 1 || info.BitsAllocated is 1 or > 32)
        {
            throw new DicomException("Only grey images of 8 to 32 bits are compared.");
        }

        return (ModalityLut.Create(file.Dataset).Apply(StoredPixelValues.Frame(pixelData, 0, DicomCodecRegistry.Default), info), info);
    }
}
