using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dicom.Network;

namespace Gateway.Server.Hosting;

/// <summary>
/// The Gateway:Peers entries: parsed from "AE=host:port", checked, and turned into move destinations (called over TLS
/// where a peer asks for it) and allowed callers (bound to their client certificate where one is named).
/// </summary>
public static class PeerList
{
    /// <summary>"AE=host:port": a move destination that may call from that host with every permission.</summary>
    public static DimsePeerOptions Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        var colon = entry.LastIndexOf(':');
        if (equals <= 0 || colon <= equals + 1 || !int.TryParse(entry.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"Peer '{entry}' is not of the form AE=host:port.");
        }

        return new DimsePeerOptions
        {
            AETitle = entry[..equals].Trim(),
            Host = entry[(equals + 1)..colon].Trim(),
            Port = port,
            Permissions = [DimsePermissions.All],
        };
    }

    /// <summary>What is wrong with the entries (with the DICOM TLS they rely on), naming the setting, or null when they can be used.</summary>
    public static string? Problem(IReadOnlyList<DimsePeerOptions> peers, DicomTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(tls);
        for (var index = 0; index < peers.Count; index++)
        {
            var peer = peers[index];
            var name = $"Gateway:Peers:{index}";
            if (peer.AETitle.Trim().Length is 0 or > 16 || peer.AETitle.Any(character => character == '\\' || char.IsControl(character)))
            {
                return $"{name}:AETitle must be 1 to 16 characters without backslashes or control characters.";
            }

            if (peers.Take(index).Any(other => string.Equals(other.AETitle.Trim(), peer.AETitle.Trim(), StringComparison.Ordinal)))
            {
                return $"{name}: the AE title {peer.AETitle} is listed twice.";
            }

            if (peer.Port is { } port && (port is <= 0 or > 65535 || string.IsNullOrWhiteSpace(peer.Host)))
            {
                return $"{name}:Port needs a Host and must be 1 to 65535.";
            }

            if (peer.Tls && !peer.IsMoveDestination)
            {
                return $"{name}:Tls is how the gateway calls the peer: it needs a Host and Port.";
            }

            if (CertificateProblem(peer, tls) is { } certificate)
            {
                return $"{name}:{certificate}";
            }

            if (peer.MoveDestinations?.FirstOrDefault(destination => !peers.Any(other => other.IsMoveDestination && string.Equals(other.AETitle.Trim(), destination.Trim(), StringComparison.Ordinal))) is { } unknown)
            {
                return $"{name}:MoveDestinations names {unknown}, which is not a peer with a Host and Port.";
            }
        }

        return null;
    }

    /// <summary>The peers C-MOVE may send to: those with a host and port, called with <paramref name="tls"/> where they ask for TLS.</summary>
    public static IReadOnlyList<DicomPeer> Destinations(IEnumerable<DimsePeerOptions> peers, DicomTlsClientOptions tls)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return peers.Where(peer => peer.IsMoveDestination)
            .Select(peer => new DicomPeer(peer.AETitle.Trim(), peer.Host!.Trim(), peer.Port!.Value, peer.Tls ? tls : null))
            .ToList();
    }

    /// <summary>The allow-list: every peer, from its host when it names one, with its permissions.</summary>
    public static IReadOnlyList<DicomCaller> Callers(IEnumerable<DimsePeerOptions> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return peers.Select(peer => new DicomCaller(
            peer.AETitle.Trim(),
            string.IsNullOrWhiteSpace(peer.Host) ? null : peer.Host.Trim(),
            peer.Granted,
            peer.MoveDestinations?.Select(destination => destination.Trim()).ToList(),
            peer.IsBoundToCertificate ? new DicomCertificateBinding(Text(peer.CertificateSubject), Text(peer.CertificateThumbprint)) : null)).ToList();
    }

    /// <summary>What is wrong with the peer's certificate binding (after its setting's name), or null.</summary>
    private static string? CertificateProblem(DimsePeerOptions peer, DicomTlsOptions tls)
    {
        if (!peer.IsBoundToCertificate)
        {
            return null;
        }

        if (!tls.Enabled || string.IsNullOrWhiteSpace(tls.ClientCaFile))
        {
            return "CertificateSubject and CertificateThumbprint need DICOM TLS that checks client certificates: Gateway:DicomTls:CertificateFile and ClientCaFile.";
        }

        if (Text(peer.CertificateThumbprint) is { } thumbprint && !DicomCertificateBinding.IsThumbprint(thumbprint))
        {
            return "CertificateThumbprint must be the certificate's SHA-1 (40 hex digits) or SHA-256 (64) thumbprint.";
        }

        if (Text(peer.CertificateSubject) is { } subject)
        {
            try
            {
                _ = new X500DistinguishedName(subject);
            }
            catch (CryptographicException exception)
            {
                return $"CertificateSubject is not a distinguished name such as CN=CT01, O=Hospital ({exception.Message}).";
            }
        }

        return null;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
