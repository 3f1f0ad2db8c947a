namespace Gateway.Dicom.Network;

/// <summary>How a DIMSE status code is to be understood (PS3.7 annex C).</summary>
public enum DicomStatusCategory
{
    Success,
    Warning,
    Failure,
    Cancel,
    Pending,
}

/// <summary>A DIMSE status (0000,0900) with the codes of PS3.4 and PS3.7 that this implementation uses.</summary>
public readonly record struct DicomStatus(ushort Code)
{
    public static readonly DicomStatus Success = new(0x0000);
    public static readonly DicomStatus Pending = new(0xFF00);

    /// <summary>C-FIND pending: one or more optional keys were not supported (PS3.4 C.4.1.1.4).</summary>
    public static readonly DicomStatus PendingWithWarning = new(0xFF01);
    public static readonly DicomStatus Cancel = new(0xFE00);

    /// <summary>C-STORE warnings (PS3.4 B.2.3): coercion, elements discarded, data set does not match the SOP class.</summary>
    public static readonly DicomStatus CoercionOfDataElements = new(0xB000);
    public static readonly DicomStatus ElementsDiscarded = new(0xB006);
    public static readonly DicomStatus DataSetDoesNotMatchSopClassWarning = new(0xB007);

    /// <summary>C-MOVE/C-GET: sub-operations complete, one or more failures or warnings (PS3.4 C.4.2.1.5).</summary>
    public static readonly DicomStatus SubOperationsCompleteWithFailures = new(0xB000);

    public static readonly DicomStatus OutOfResources = new(0xA700);
    public static readonly DicomStatus OutOfResourcesUnableToCalculateMatches = new(0xA701);
    public static readonly DicomStatus OutOfResourcesUnableToPerformSubOperations = new(0xA702);
    public static readonly DicomStatus MoveDestinationUnknown = new(0xA801);
    public static readonly DicomStatus DataSetDoesNotMatchSopClass = new(0xA900);
    public static readonly DicomStatus IdentifierDoesNotMatchSopClass = new(0xA900);
    public static readonly DicomStatus CannotUnderstand = new(0xC000);
    public static readonly DicomStatus UnableToProcess = new(0xC001);

    /// <summary>PS3.7 C.5: general failures.</summary>
    public static readonly DicomStatus SopClassNotSupported = new(0x0122);
    public static readonly DicomStatus ProcessingFailure = new(0x0110);
    public static readonly DicomStatus DuplicateSopInstance = new(0x0111);
    public static readonly DicomStatus InvalidArgumentValue = new(0x0115);
    public static readonly DicomStatus MistypedArgument = new(0x0212);
    public static readonly DicomStatus UnrecognizedOperation = new(0x0211);
    public static readonly DicomStatus NotAuthorized = new(0x0124);

    public DicomStatusCategory Category => Code switch
    {
        0x0000 => DicomStatusCategory.Success,
        0xFF00 or 0xFF01 => DicomStatusCategory.Pending,
        0xFE00 => DicomStatusCategory.Cancel,
        0x0001 or 0x0107 or 0x0116 or (>= 0xB000 and <= 0xBFFF) => DicomStatusCategory.Warning,
        _ => DicomStatusCategory.Failure,
    };

    public bool IsSuccess => Category == DicomStatusCategory.Success;

    public bool IsPending => Category == DicomStatusCategory.Pending;

    public bool IsFailure => Category == DicomStatusCategory.Failure;

    public override string ToString() => $"{Category} (0x{Code:X4})";
}
