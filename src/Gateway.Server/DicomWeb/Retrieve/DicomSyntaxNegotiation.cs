using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// Chooses the transfer syntax of an application/dicom response (PS3.18 8.7.3.5): the first accepted
/// representation that can be produced wins. No transfer-syntax parameter means Explicit VR Little Endian;
/// <c>*</c> means as stored.
/// </summary>
internal static class DicomSyntaxNegotiation
{
    /// <summary>The value of <see cref="Choose"/> that means "as stored".</summary>
    public const string AsStored = "*";

    /// <summary>A transfer syntax UID, <see cref="AsStored"/>, or null when nothing acceptable can be produced.</summary>
    public static string? Choose(IReadOnlyList<RequestedRepresentation> requested, string storedSyntaxUid, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(requested);
        foreach (var representation in requested)
        {
            if (!representation.Admits(DicomMediaTypes.Dicom))
            {
                continue;
            }

            var target = representation.TransferSyntax ?? DicomMediaTypes.ExplicitVRLittleEndian;
            if (target == AsStored || target == storedSyntaxUid)
            {
                return AsStored;
            }

            if (CanTranscode(storedSyntaxUid, target, registry))
            {
                return target;
            }
        }

        return null;
    }

    /// <summary>Whether the toolkit has what a transcode needs (the frames' geometry may still make an encoder refuse).</summary>
    public static bool CanTranscode(string sourceUid, string targetUid, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!DicomTransferSyntax.TryGetKnown(targetUid, out var target) || !DicomTransferSyntax.TryGetKnown(sourceUid, out var source))
        {
            return false;
        }

        if (source.IsEncapsulated && !registry.CanDecode(source))
        {
            return false;
        }

        return !target.IsEncapsulated || registry.DecodableSyntaxes.Any(syntax => syntax.Uid == target.Uid);
    }
}
