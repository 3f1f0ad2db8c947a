namespace Gateway.Server.DicomWeb.Stow;

/// <summary>Failure Reason (0008,1197) values of a Store Instances response (PS3.18 Table I.2-2, PS3.7 Annex C).</summary>
public static class StowFailureReason
{
    /// <summary>0110H Processing failure: storing failed for a reason of ours (storage, database).</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>0111H Duplicate SOP Instance: a different instance with this SOP Instance UID is stored (duplicate policy Reject).</summary>
    public const ushort DuplicateSopInstance = 0x0111;

    /// <summary>A700H Refused, out of resources: the same instance is being received right now; try again.</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>A900H Error, data set does not match: here, the instance is of another study than the request's URL names.</summary>
    public const ushort StudyMismatch = 0xA900;

    /// <summary>A900H Error, data set does not match SOP class: its pixel data does not match its Image Pixel description (too short, or a first frame that does not decode).</summary>
    public const ushort DataSetDoesNotMatch = 0xA900;

    /// <summary>C000H Error, cannot understand: not a DICOM file, a data set that does not parse to its end, a part that is not application/dicom, or a missing identifying UID.</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>
    /// C409H: the instance names another patient (Patient ID, Issuer of Patient ID) than its study is stored under;
    /// also the C-STORE status. A Cxxx code, the "Error: Cannot understand" range that PS3.4 B.2.3 leaves to the
    /// SCP's own meaning, because the refusal is final: A7xx says "Refused: Out of Resources", a transient condition
    /// a sender retries, but this instance is refused again until someone reconciles the patient.
    /// </summary>
    public const ushort PatientConflict = 0xC409;

    /// <summary>C122H Referenced Transfer Syntax not supported.</summary>
    public const ushort TransferSyntaxNotSupported = 0xC122;
}
