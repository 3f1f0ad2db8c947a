namespace Gateway.Dicom.Network;

/// <summary>Result of a presentation context negotiation (PS3.8 table 9-18).</summary>
public enum PresentationContextResult : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}

/// <summary>
/// A presentation context: an abstract syntax (SOP class) with the transfer syntaxes proposed for it and, once
/// negotiated, the result and the one transfer syntax accepted.
/// </summary>
public sealed class PresentationContext
{
    public PresentationContext(byte id, string abstractSyntax, IEnumerable<string> transferSyntaxes)
    {
        ArgumentNullException.ThrowIfNull(abstractSyntax);
        ArgumentNullException.ThrowIfNull(transferSyntaxes);
        if (id % 2 == 0)
        {
            throw new ArgumentException($"Presentation context IDs are odd numbers 1-255 (PS3.8 9.3.2.2); {id} is not.", nameof(id));
        }

        Id = id;
        AbstractSyntax = abstractSyntax;
        ProposedTransferSyntaxes = [.. transferSyntaxes];
    }

    public byte Id { get; }

    public string AbstractSyntax { get; }

    public IReadOnlyList<string> ProposedTransferSyntaxes { get; }

    public PresentationContextResult Result { get; set; } = PresentationContextResult.NoReason;

    /// <summary>The transfer syntax accepted for this context; null until accepted.</summary>
    public string? AcceptedTransferSyntax { get; set; }

    public bool IsAccepted => Result == PresentationContextResult.Acceptance && AcceptedTransferSyntax is not null;

    /// <summary>Accepts the context with <paramref name="transferSyntax"/>.</summary>
    public void Accept(string transferSyntax)
    {
        Result = PresentationContextResult.Acceptance;
        AcceptedTransferSyntax = transferSyntax;
    }

    public void Reject(PresentationContextResult reason)
    {
        Result = reason;
        AcceptedTransferSyntax = null;
    }

    public override string ToString() => $"[{Id}] {AbstractSyntax} {Result} {AcceptedTransferSyntax}";
}
