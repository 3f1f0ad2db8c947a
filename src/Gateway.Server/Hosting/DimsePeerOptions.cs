using System.ComponentModel;
using Gateway.Dicom.Network;

namespace Gateway.Server.Hosting;

/// <summary>
/// One entry of Gateway:Peers: a DICOM node the gateway knows. Written either as "AE=host:port" (a C-MOVE
/// destination that may also call with every permission, as before permissions existed) or as an object naming
/// what the AE may do.
/// </summary>
[TypeConverter(typeof(DimsePeerConverter))]
public sealed class DimsePeerOptions
{
    public string AETitle { get; set; } = string.Empty;

    /// <summary>The host the AE calls from and listens on; null: it may call from anywhere.</summary>
    public string? Host { get; set; }

    /// <summary>Where the AE listens for C-STORE: with <see cref="Host"/>, it is a C-MOVE destination.</summary>
    public int? Port { get; set; }

    /// <summary>What the AE may ask for when it calls (C-ECHO needs nothing); none unless listed.</summary>
    public List<DimsePermissions> Permissions { get; set; } = [];

    /// <summary>The destinations its C-MOVE may name; null: any peer with a host and port.</summary>
    public List<string>? MoveDestinations { get; set; }

    public bool IsMoveDestination => Host is not null && Port is not null;

    public DimsePermissions Granted => Permissions.Aggregate(DimsePermissions.None, (all, each) => all | each);
}
