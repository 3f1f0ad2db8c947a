namespace Gateway.Dicom.Network;

/// <summary>Query/Retrieve information models (PS3.4 C.6).</summary>
public enum QueryRetrieveModel
{
    PatientRoot,
    StudyRoot,
}

/// <summary>What a provider learns about the association a request came on.</summary>
public sealed record AssociationInfo(string CallingAE, string CalledAE, System.Net.IPEndPoint? RemoteEndPoint);

/// <summary>A C-STORE request: the instance and how its data set is encoded.</summary>
public sealed record StoreRequest(
    AssociationInfo Association,
    string SopClassUid,
    string SopInstanceUid,
    DicomTransferSyntax TransferSyntax,
    string? MoveOriginatorAE);

/// <summary>A C-FIND request: the model, the Query/Retrieve Level and the identifier with its matching and return keys.</summary>
public sealed record FindRequest(AssociationInfo Association, QueryRetrieveModel Model, string Level, DicomDataset Identifier);

/// <summary>A C-MOVE or C-GET request: which instances the identifier selects, and for a C-MOVE the destination AE (null for C-GET).</summary>
public sealed record RetrieveRequest(AssociationInfo Association, QueryRetrieveModel Model, string Level, DicomDataset Identifier, string? MoveDestinationAE);

/// <summary>What a provider answers to C-STORE: a status, and an error comment for failures.</summary>
public sealed record StoreResult(DicomStatus Status, string? ErrorComment = null)
{
    public static StoreResult Success { get; } = new(DicomStatus.Success);
}

/// <summary>One instance a retrieve sends: its identity and how to read it as a Part 10 file.</summary>
public interface IRetrievableInstance
{
    string SopClassUid { get; }

    string SopInstanceUid { get; }

    /// <summary>The transfer syntax the instance is stored in (sent as is where the destination accepts it).</summary>
    DicomTransferSyntax TransferSyntax { get; }

    Task<DicomFile> OpenAsync(CancellationToken cancellationToken);
}
