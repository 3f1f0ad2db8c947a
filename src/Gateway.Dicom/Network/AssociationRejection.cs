namespace Gateway.Dicom.Network;

/// <summary>A-ASSOCIATE-RJ result (PS3.8 table 9-21).</summary>
public enum RejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>Who rejected the association.</summary>
public enum RejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>An A-ASSOCIATE-RJ: result, source and reason (the reason's meaning depends on the source).</summary>
public sealed record AssociationRejection(RejectResult Result, RejectSource Source, byte Reason)
{
    public static AssociationRejection NoReason => new(RejectResult.Permanent, RejectSource.ServiceUser, 1);

    public static AssociationRejection ApplicationContextNotSupported => new(RejectResult.Permanent, RejectSource.ServiceUser, 2);

    public static AssociationRejection CallingAENotRecognized => new(RejectResult.Permanent, RejectSource.ServiceUser, 3);

    public static AssociationRejection CalledAENotRecognized => new(RejectResult.Permanent, RejectSource.ServiceUser, 7);

    public static AssociationRejection ProtocolVersionNotSupported => new(RejectResult.Permanent, RejectSource.ServiceProviderAcse, 2);

    public static AssociationRejection TemporaryCongestion => new(RejectResult.Transient, RejectSource.ServiceProviderPresentation, 1);

    public static AssociationRejection LocalLimitExceeded => new(RejectResult.Transient, RejectSource.ServiceProviderPresentation, 2);

    public override string ToString()
    {
        var reason = (Source, Reason) switch
        {
            (RejectSource.ServiceUser, 1) => "no reason given",
            (RejectSource.ServiceUser, 2) => "application context name not supported",
            (RejectSource.ServiceUser, 3) => "calling AE title not recognized",
            (RejectSource.ServiceUser, 7) => "called AE title not recognized",
            (RejectSource.ServiceProviderAcse, 1) => "no reason given",
            (RejectSource.ServiceProviderAcse, 2) => "protocol version not supported",
            (RejectSource.ServiceProviderPresentation, 1) => "temporary congestion",
            (RejectSource.ServiceProviderPresentation, 2) => "local limit exceeded",
            _ => $"reason {Reason}",
        };
        return $"{Result} rejection by the {Source}: {reason}";
    }
}
