namespace Gateway.Dicom;

/// <summary>Base of every exception this library throws for DICOM content it cannot accept.</summary>
public class DicomException : Exception
{
    public DicomException(string message)
        : base(message)
    {
    }

    public DicomException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The bytes are not valid DICOM; the message names the problem and where it was found.</summary>
public class DicomParseException : DicomException
{
    public DicomParseException(string message)
        : base(message)
    {
    }

    public DicomParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A codec could not decode or encode pixel data.</summary>
public class DicomCodecException : DicomException
{
    public DicomCodecException(string message)
        : base(message)
    {
    }

    public DicomCodecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
