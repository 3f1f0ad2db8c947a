namespace Gateway.Dicom.Network;

/// <summary>The acceptor's side of negotiation: results for each proposed context and the roles accepted.</summary>
internal static class ContextNegotiator
{
    public static AssociationAccept Negotiate(AssociationRequest request, IDicomServiceProvider provider, uint maxPduLength)
    {
        var accept = new AssociationAccept
        {
            CalledAE = request.CalledAE,
            CallingAE = request.CallingAE,
            MaxPduLength = maxPduLength,
        };

        // Operations are performed one at a time (PS3.7 D.3.3.3): a proposed window is answered with 1, 1.
        if (request.AsyncOperationsWindow is not null)
        {
            accept.AsyncOperationsWindow = (1, 1);
        }

        foreach (var proposed in request.PresentationContexts)
        {
            var context = new PresentationContext(proposed.Id, proposed.AbstractSyntax, proposed.ProposedTransferSyntaxes);
            if (!provider.SupportsAbstractSyntax(proposed.AbstractSyntax))
            {
                context.Reject(PresentationContextResult.AbstractSyntaxNotSupported);
            }
            else if (provider.ChooseTransferSyntax(proposed.AbstractSyntax, proposed.ProposedTransferSyntaxes) is { } syntax)
            {
                context.Accept(syntax);
            }
            else
            {
                context.Reject(PresentationContextResult.TransferSyntaxesNotSupported);
            }

            accept.PresentationContexts.Add(context);
        }

        // Role selection (PS3.7 D.3.3.4): for a SOP class this node serves, the requestor may take the roles it
        // proposes (a C-GET requestor asks to be the Storage SCP of the sub-operations).
        foreach (var role in request.RoleSelections)
        {
            if (accept.PresentationContexts.Any(context => context.IsAccepted && context.AbstractSyntax == role.SopClassUid))
            {
                accept.RoleSelections.Add(role);
            }
        }

        // Extended negotiation stays in the request for the provider to read; echoing it would claim options
        // (relational queries, fuzzy matching) that are not implemented.
        return accept;
    }
}
