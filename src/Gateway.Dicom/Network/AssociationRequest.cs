using System.Net;

namespace Gateway.Dicom.Network;

/// <summary>An A-ASSOCIATE request (PS3.8 9.3.2): who calls whom, what they propose, and their user information.</summary>
public sealed class AssociationRequest : IAssociationUserInformation
{
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    public string CallingAE { get; set; } = string.Empty;

    public string CalledAE { get; set; } = string.Empty;

    public string ApplicationContextName { get; set; } = DicomApplicationContext;

    public List<PresentationContext> PresentationContexts { get; } = [];

    /// <summary>Largest P-DATA-TF PDU the requestor accepts (0: no limit).</summary>
    public uint MaxPduLength { get; set; } = DicomNetworkDefaults.MaxPduLength;

    public string ImplementationClassUid { get; set; } = DicomImplementation.ClassUid;

    public string? ImplementationVersionName { get; set; } = DicomImplementation.VersionName;

    /// <summary>Asynchronous Operations Window (invoked, performed); null when not proposed (then 1, 1).</summary>
    public (ushort Invoked, ushort Performed)? AsyncOperationsWindow { get; set; }

    public List<RoleSelection> RoleSelections { get; } = [];

    public List<ExtendedNegotiation> ExtendedNegotiations { get; } = [];

    public UserIdentity? UserIdentity { get; set; }

    /// <summary>User information sub-items this implementation does not interpret (e.g. 0x57), kept as received.</summary>
    public List<(byte Type, ReadOnlyMemory<byte> Value)> OtherUserInformation { get; } = [];

    /// <summary>The peer's address, set by the server for the provider's checks and logs.</summary>
    public IPEndPoint? RemoteEndPoint { get; set; }

    /// <summary>Adds a context with the next free odd ID.</summary>
    public PresentationContext AddPresentationContext(string abstractSyntax, params string[] transferSyntaxes)
    {
        var id = PresentationContexts.Count == 0 ? (byte)1 : (byte)(PresentationContexts.Max(context => context.Id) + 2);
        var context = new PresentationContext(id, abstractSyntax, transferSyntaxes);
        PresentationContexts.Add(context);
        return context;
    }
}
