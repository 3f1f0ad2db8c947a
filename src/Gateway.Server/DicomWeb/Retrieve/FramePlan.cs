using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>How frames are served: native bytes, the stored bitstreams as they are, or re-encoded.</summary>
internal enum FrameForm
{
    /// <summary>Uncompressed, little endian (application/octet-stream, Explicit VR Little Endian).</summary>
    Native,

    /// <summary>The stored compressed bitstream of each frame, untouched.</summary>
    AsStored,

    /// <summary>Decoded and encoded again in <see cref="FramePlan.TransferSyntaxUid"/>.</summary>
    Transcoded,
}

/// <summary>The form, media type and transfer syntax chosen for the frames of one response.</summary>
internal sealed record FramePlan(FrameForm Form, string MediaType, string TransferSyntaxUid)
{
    public string PartContentType => DicomMediaTypes.WithSyntax(MediaType, TransferSyntaxUid);

    /// <summary>The bytes of frame <paramref name="index"/> (from 0) in this plan's form (stored frames are not copied).</summary>
    /// <exception cref="DicomException">The frame cannot be decoded or encoded as planned.</exception>
    public ReadOnlyMemory<byte> Produce(DicomPixelData pixelData, int index, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        ArgumentNullException.ThrowIfNull(registry);
        switch (Form)
        {
            case FrameForm.AsStored:
                return pixelData.IsEncapsulated ? pixelData.GetEncodedFrame(index) : pixelData.GetNativeFrame(index);
            case FrameForm.Native:
                return pixelData.IsEncapsulated ? FrameDecoder.Decode(pixelData, index, registry).Data : pixelData.GetNativeFrame(index);
            default:
                var decoded = FrameDecoder.Decode(pixelData, index, registry);
                var info = pixelData.Info.With(decoded.PhotometricInterpretation, PlanarConfiguration.Interleaved);
                var target = DicomTransferSyntax.FromUid(TransferSyntaxUid);
                var codec = registry.Get(target);
                if (!codec.CanEncode(target, info))
                {
                    throw new DicomCodecException($"{target.Name} cannot hold {info.SamplesPerPixel}-sample {info.PhotometricInterpretation} frames of {info.BitsStored} bits.");
                }

                return codec.Encode(FrameLayout.Normalize(decoded.Data, info), target, info, EncodeOptions.Default);
        }
    }

    /// <summary>
    /// The first accepted representation that can be served, or null (406). application/octet-stream (also what
    /// */* and a missing Accept get) means native frames; transfer-syntax=* means as stored; compressed media types
    /// (image/jls, image/jp2, image/jpeg, image/dicom-rle, ...) get the stored bitstreams when the stored syntax is
    /// one they carry, else frames re-encoded in the requested (or the media type's default) syntax.
    /// </summary>
    public static FramePlan? Choose(IReadOnlyList<RequestedRepresentation> requested, DicomPixelData pixelData, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(pixelData);
        var stored = pixelData.TransferSyntax.Uid;
        var storedMedia = pixelData.IsEncapsulated ? DicomMediaTypes.ForCompressedSyntax(stored) : null;
        var decodable = !pixelData.IsEncapsulated || registry.CanDecode(pixelData.TransferSyntax);
        foreach (var representation in requested)
        {
            var syntax = representation.TransferSyntax;
            if (representation.Admits(DicomMediaTypes.OctetStream))
            {
                if (syntax == DicomSyntaxNegotiation.AsStored)
                {
                    return pixelData.IsEncapsulated
                        ? new FramePlan(FrameForm.AsStored, storedMedia ?? DicomMediaTypes.OctetStream, stored)
                        : new FramePlan(FrameForm.Native, DicomMediaTypes.OctetStream, DicomMediaTypes.ExplicitVRLittleEndian);
                }

                if ((syntax is null || syntax == DicomMediaTypes.ExplicitVRLittleEndian) && decodable)
                {
                    return new FramePlan(FrameForm.Native, DicomMediaTypes.OctetStream, DicomMediaTypes.ExplicitVRLittleEndian);
                }
            }

            var candidates = DicomMediaTypes.CompressedPixelMediaTypes.Where(representation.Admits)
                .OrderByDescending(media => string.Equals(media, storedMedia, StringComparison.OrdinalIgnoreCase));
            foreach (var media in candidates)
            {
                var isStoredMedia = string.Equals(media, storedMedia, StringComparison.OrdinalIgnoreCase);
                var target = syntax switch
                {
                    null => isStoredMedia ? stored : DicomMediaTypes.DefaultSyntax(media),
                    DicomSyntaxNegotiation.AsStored => isStoredMedia ? stored : null,
                    _ => syntax,
                };
                if (target is null || !DicomMediaTypes.Carries(media, target))
                {
                    continue;
                }

                if (pixelData.IsEncapsulated && target == stored)
                {
                    return new FramePlan(FrameForm.AsStored, media, stored);
                }

                if (decodable && DicomSyntaxNegotiation.CanTranscode(stored, target, registry))
                {
                    return new FramePlan(FrameForm.Transcoded, media, target);
                }
            }
        }

        return null;
    }
}
