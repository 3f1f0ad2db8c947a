using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dicom.Network;

/// <summary>
/// The client certificate an AE title must call with (over DICOM TLS): its subject distinguished name, its thumbprint
/// (SHA-1 or SHA-256, hex), or both. The certificate has passed the TLS handshake's checks already (issued by a
/// trusted CA); this binds it to one AE title, so that a certificate of one modality cannot call as another.
/// </summary>
public sealed record DicomCertificateBinding
{
    public DicomCertificateBinding(string? subject, string? thumbprint)
    {
        if (subject is null && thumbprint is null)
        {
            throw new ArgumentException("A certificate binding needs a subject, a thumbprint or both.", nameof(subject));
        }

        Subject = subject is null ? null : new X500DistinguishedName(subject).Name;
        Thumbprint = thumbprint is null ? null : NormalThumbprint(thumbprint);
    }

    /// <summary>The subject as .NET writes a distinguished name ("CN=CT01, O=Hospital").</summary>
    public string? Subject { get; }

    /// <summary>Upper-case hex without separators: 40 digits (SHA-1) or 64 (SHA-256).</summary>
    public string? Thumbprint { get; }

    /// <summary>Whether <paramref name="thumbprint"/> is 40 or 64 hex digits (colons and spaces between them allowed).</summary>
    public static bool IsThumbprint(string thumbprint)
    {
        ArgumentNullException.ThrowIfNull(thumbprint);
        var hex = NormalThumbprint(thumbprint);
        return hex.Length is 40 or 64 && hex.All(Uri.IsHexDigit);
    }

    /// <summary>Why <paramref name="certificate"/> is not the bound one, or null when it is.</summary>
    public string? Mismatch(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return "the AE title is bound to a client certificate and the caller presented none";
        }

        if (Subject is not null && !string.Equals(certificate.SubjectName.Name, Subject, StringComparison.Ordinal))
        {
            return $"the AE title is bound to the certificate subject '{Subject}', the caller presented '{certificate.Subject}'";
        }

        if (Thumbprint is not null)
        {
            var presented = Thumbprint.Length == 40 ? certificate.Thumbprint : certificate.GetCertHashString(HashAlgorithmName.SHA256);
            if (!string.Equals(presented, Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return $"the AE title is bound to the certificate with thumbprint {Thumbprint}, the caller presented '{certificate.Subject}' ({presented})";
            }
        }

        return null;
    }

    private static string NormalThumbprint(string thumbprint) => thumbprint.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
