namespace Gateway.Dicom.Network;

/// <summary>A failure of the DICOM upper layer or DIMSE exchange.</summary>
public class DicomNetworkException : DicomException
{
    public DicomNetworkException(string message)
        : base(message)
    {
    }

    public DicomNetworkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The peer broke the upper layer protocol (a malformed or unexpected PDU); the association is aborted.</summary>
public sealed class DicomProtocolException : DicomNetworkException
{
    public DicomProtocolException(string message, AbortReason reason = AbortReason.InvalidPduParameterValue)
        : base(message)
    {
        Reason = reason;
    }

    public AbortReason Reason { get; }
}

/// <summary>The association was rejected (A-ASSOCIATE-RJ).</summary>
public sealed class DicomAssociationRejectedException(AssociationRejection rejection)
    : DicomNetworkException($"Association rejected: {rejection}")
{
    public AssociationRejection Rejection { get; } = rejection;
}

/// <summary>The association was aborted (A-ABORT received, or the connection dropped).</summary>
public sealed class DicomAssociationAbortedException : DicomNetworkException
{
    public DicomAssociationAbortedException(string message)
        : base(message)
    {
    }

    public DicomAssociationAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
