namespace Gateway.Dicom.Network;

/// <summary>
/// A calling AE title a server lets in: from which host (any when null), the services it may use, the C-MOVE
/// destinations it may name (any known destination when null), and the client certificate it must call with over
/// DICOM TLS (none asked for when null).
/// </summary>
public sealed record DicomCaller(
    string AETitle, string? Host, DimsePermissions Permissions, IReadOnlyList<string>? MoveDestinations = null, DicomCertificateBinding? Certificate = null)
{
    /// <summary>A caller with every permission, for a server without an allow-list.</summary>
    public static DicomCaller Anyone(string callingAE) => new(callingAE, null, DimsePermissions.All);

    public bool May(DimsePermissions permission) => (Permissions & permission) == permission;

    /// <summary>Whether this caller's C-MOVE may send to <paramref name="destinationAE"/> (trailing spaces are not significant).</summary>
    public bool MayMoveTo(string destinationAE)
    {
        ArgumentNullException.ThrowIfNull(destinationAE);
        var wanted = destinationAE.Trim();
        return MoveDestinations is null || MoveDestinations.Any(destination => string.Equals(destination.Trim(), wanted, StringComparison.Ordinal));
    }
}
