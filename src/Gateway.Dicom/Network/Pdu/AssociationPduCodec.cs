namespace Gateway.Dicom.Network.Pdu;

/// <summary>Encodes and decodes the A-ASSOCIATE PDUs (PS3.8 9.3.2-9.3.4) and their items (PS3.7 annex D.3.3).</summary>
internal static class AssociationPduCodec
{
    private const ushort ProtocolVersion = 1;

    private const byte ApplicationContextItem = 0x10;
    private const byte RequestContextItem = 0x20;
    private const byte AcceptContextItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30;
    private const byte TransferSyntaxItem = 0x40;
    private const byte UserInformationItem = 0x50;
    private const byte MaxLengthItem = 0x51;
    private const byte ImplementationClassItem = 0x52;
    private const byte AsyncWindowItem = 0x53;
    private const byte RoleSelectionItem = 0x54;
    private const byte ImplementationVersionItem = 0x55;
    private const byte ExtendedNegotiationItem = 0x56;
    private const byte UserIdentityRequestItem = 0x58;
    private const byte UserIdentityResponseItem = 0x59;

    public static byte[] EncodeRequest(AssociationRequest request)
    {
        var pdu = Header(PduType.AssociateRequest, request.CalledAE, request.CallingAE, out var length);
        pdu.StringItem(ApplicationContextItem, request.ApplicationContextName);
        foreach (var context in request.PresentationContexts)
        {
            pdu.UInt8(RequestContextItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            pdu.UInt8(context.Id);
            pdu.Zeros(3);
            pdu.StringItem(AbstractSyntaxItem, context.AbstractSyntax);
            foreach (var syntax in context.ProposedTransferSyntaxes)
            {
                pdu.StringItem(TransferSyntaxItem, syntax);
            }

            pdu.PatchLength16(itemLength);
        }

        WriteUserInformation(pdu, request, request.UserIdentity, null, request.OtherUserInformation);
        pdu.PatchLength32(length);
        return pdu.ToArray();
    }

    public static byte[] EncodeAccept(AssociationAccept accept)
    {
        var pdu = Header(PduType.AssociateAccept, accept.CalledAE, accept.CallingAE, out var length);
        pdu.StringItem(ApplicationContextItem, accept.ApplicationContextName);
        foreach (var context in accept.PresentationContexts)
        {
            pdu.UInt8(AcceptContextItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            pdu.UInt8(context.Id);
            pdu.UInt8(0);
            pdu.UInt8((byte)context.Result);
            pdu.UInt8(0);

            // PS3.8 9.3.3.2: a transfer syntax sub-item is present; its value is not significant unless accepted.
            pdu.StringItem(TransferSyntaxItem, context.IsAccepted ? context.AcceptedTransferSyntax! : string.Empty);
            pdu.PatchLength16(itemLength);
        }

        WriteUserInformation(pdu, accept, null, accept.UserIdentityResponse, []);
        pdu.PatchLength32(length);
        return pdu.ToArray();
    }

    public static byte[] EncodeReject(AssociationRejection rejection) =>
        [(byte)PduType.AssociateReject, 0, 0, 0, 0, 4, 0, (byte)rejection.Result, (byte)rejection.Source, rejection.Reason];

    public static byte[] EncodeAbort(AbortSource source, AbortReason reason) =>
        [(byte)PduType.Abort, 0, 0, 0, 0, 4, 0, 0, (byte)source, (byte)reason];

    public static byte[] EncodeRelease(bool response) =>
        [(byte)(response ? PduType.ReleaseResponse : PduType.ReleaseRequest), 0, 0, 0, 0, 4, 0, 0, 0, 0];

    public static AssociationRequest DecodeRequest(ReadOnlySpan<byte> body)
    {
        var parser = new PduParser(body, "A-ASSOCIATE-RQ");
        var version = parser.UInt16();
        if ((version & ProtocolVersion) == 0)
        {
            throw new DicomAssociationRejectedException(AssociationRejection.ProtocolVersionNotSupported);
        }

        parser.Skip(2);
        var request = new AssociationRequest { CalledAE = parser.AETitle(), CallingAE = parser.AETitle() };
        parser.Skip(32);
        while (!parser.AtEnd)
        {
            var type = parser.UInt8();
            parser.Skip(1);
            var item = parser.Bytes(parser.UInt16());
            switch (type)
            {
                case ApplicationContextItem:
                    request.ApplicationContextName = new PduParser(item, "application context").Ascii(item.Length);
                    break;
                case RequestContextItem:
                    request.PresentationContexts.Add(DecodeRequestContext(item));
                    break;
                case UserInformationItem:
                    DecodeRequestUserInformation(item, request);
                    break;
                default:
                    throw new DicomProtocolException($"A-ASSOCIATE-RQ holds an item of unknown type 0x{type:X2}.", AbortReason.UnrecognizedPduParameter);
            }
        }

        return request;
    }

    public static AssociationAccept DecodeAccept(ReadOnlySpan<byte> body, AssociationRequest request)
    {
        var parser = new PduParser(body, "A-ASSOCIATE-AC");
        parser.Skip(4);
        var accept = new AssociationAccept { CalledAE = parser.AETitle(), CallingAE = parser.AETitle(), MaxPduLength = 0 };
        parser.Skip(32);
        while (!parser.AtEnd)
        {
            var type = parser.UInt8();
            parser.Skip(1);
            var item = parser.Bytes(parser.UInt16());
            switch (type)
            {
                case ApplicationContextItem:
                    accept.ApplicationContextName = new PduParser(item, "application context").Ascii(item.Length);
                    break;
                case AcceptContextItem:
                    accept.PresentationContexts.Add(DecodeAcceptContext(item, request));
                    break;
                case UserInformationItem:
                    DecodeAcceptUserInformation(item, accept);
                    break;
                default:
                    throw new DicomProtocolException($"A-ASSOCIATE-AC holds an item of unknown type 0x{type:X2}.", AbortReason.UnrecognizedPduParameter);
            }
        }

        return accept;
    }

    public static AssociationRejection DecodeReject(ReadOnlySpan<byte> body)
    {
        var parser = new PduParser(body, "A-ASSOCIATE-RJ");
        parser.Skip(1);
        return new AssociationRejection((RejectResult)parser.UInt8(), (RejectSource)parser.UInt8(), parser.UInt8());
    }

    public static (AbortSource Source, AbortReason Reason) DecodeAbort(ReadOnlySpan<byte> body)
    {
        var parser = new PduParser(body, "A-ABORT");
        parser.Skip(2);
        return ((AbortSource)parser.UInt8(), (AbortReason)parser.UInt8());
    }

    private static PduBuilder Header(PduType type, string calledAE, string callingAE, out int length)
    {
        var pdu = new PduBuilder();
        pdu.UInt8((byte)type);
        pdu.UInt8(0);
        length = pdu.Length32();
        pdu.UInt16(ProtocolVersion);
        pdu.Zeros(2);
        pdu.AETitle(calledAE);
        pdu.AETitle(callingAE);
        pdu.Zeros(32);
        return pdu;
    }

    private static void WriteUserInformation(
        PduBuilder pdu,
        IAssociationUserInformation information,
        UserIdentity? identity,
        ReadOnlyMemory<byte>? identityResponse,
        List<(byte Type, ReadOnlyMemory<byte> Value)> others)
    {
        pdu.UInt8(UserInformationItem);
        pdu.UInt8(0);
        var length = pdu.Length16();

        pdu.UInt8(MaxLengthItem);
        pdu.UInt8(0);
        pdu.UInt16(4);
        pdu.UInt32(information.MaxPduLength);
        pdu.StringItem(ImplementationClassItem, information.ImplementationClassUid);
        if (information.AsyncOperationsWindow is (var invoked, var performed))
        {
            pdu.UInt8(AsyncWindowItem);
            pdu.UInt8(0);
            pdu.UInt16(4);
            pdu.UInt16(invoked);
            pdu.UInt16(performed);
        }

        foreach (var role in information.RoleSelections)
        {
            pdu.UInt8(RoleSelectionItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            var uid = System.Text.Encoding.ASCII.GetBytes(role.SopClassUid);
            pdu.UInt16((ushort)uid.Length);
            pdu.Bytes(uid);
            pdu.UInt8(role.ScuRole ? (byte)1 : (byte)0);
            pdu.UInt8(role.ScpRole ? (byte)1 : (byte)0);
            pdu.PatchLength16(itemLength);
        }

        if (information.ImplementationVersionName is { Length: > 0 } versionName)
        {
            pdu.StringItem(ImplementationVersionItem, versionName);
        }

        foreach (var negotiation in information.ExtendedNegotiations)
        {
            pdu.UInt8(ExtendedNegotiationItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            var uid = System.Text.Encoding.ASCII.GetBytes(negotiation.SopClassUid);
            pdu.UInt16((ushort)uid.Length);
            pdu.Bytes(uid);
            pdu.Bytes(negotiation.ApplicationInformation.Span);
            pdu.PatchLength16(itemLength);
        }

        foreach (var (type, value) in others)
        {
            pdu.UInt8(type);
            pdu.UInt8(0);
            pdu.UInt16((ushort)value.Length);
            pdu.Bytes(value.Span);
        }

        if (identity is not null)
        {
            pdu.UInt8(UserIdentityRequestItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            pdu.UInt8(identity.Type);
            pdu.UInt8(identity.PositiveResponseRequested ? (byte)1 : (byte)0);
            pdu.UInt16((ushort)identity.PrimaryField.Length);
            pdu.Bytes(identity.PrimaryField.Span);
            pdu.UInt16((ushort)identity.SecondaryField.Length);
            pdu.Bytes(identity.SecondaryField.Span);
            pdu.PatchLength16(itemLength);
        }

        if (identityResponse is { } response)
        {
            pdu.UInt8(UserIdentityResponseItem);
            pdu.UInt8(0);
            var itemLength = pdu.Length16();
            pdu.UInt16((ushort)response.Length);
            pdu.Bytes(response.Span);
            pdu.PatchLength16(itemLength);
        }

        pdu.PatchLength16(length);
    }

    private static PresentationContext DecodeRequestContext(ReadOnlySpan<byte> item)
    {
        var parser = new PduParser(item, "presentation context");
        var id = parser.UInt8();
        parser.Skip(3);
        string? abstractSyntax = null;
        var syntaxes = new List<string>();
        while (!parser.AtEnd)
        {
            var type = parser.UInt8();
            parser.Skip(1);
            var value = parser.Bytes(parser.UInt16());
            var text = new PduParser(value, "syntax").Ascii(value.Length);
            switch (type)
            {
                case AbstractSyntaxItem:
                    abstractSyntax = text;
                    break;
                case TransferSyntaxItem:
                    syntaxes.Add(text);
                    break;
                default:
                    throw new DicomProtocolException($"Presentation context {id} holds a sub-item of unknown type 0x{type:X2}.", AbortReason.UnrecognizedPduParameter);
            }
        }

        if (abstractSyntax is null || syntaxes.Count == 0 || id % 2 == 0)
        {
            throw new DicomProtocolException($"Presentation context {id} lacks an abstract syntax or transfer syntax, or has an even ID.");
        }

        return new PresentationContext(id, abstractSyntax, syntaxes);
    }

    private static PresentationContext DecodeAcceptContext(ReadOnlySpan<byte> item, AssociationRequest request)
    {
        var parser = new PduParser(item, "presentation context");
        var id = parser.UInt8();
        parser.Skip(1);
        var result = (PresentationContextResult)parser.UInt8();
        parser.Skip(1);
        string? syntax = null;
        while (!parser.AtEnd)
        {
            var type = parser.UInt8();
            parser.Skip(1);
            var value = parser.Bytes(parser.UInt16());
            if (type == TransferSyntaxItem)
            {
                syntax = new PduParser(value, "transfer syntax").Ascii(value.Length);
            }
        }

        var proposed = request.PresentationContexts.FirstOrDefault(context => context.Id == id)
            ?? throw new DicomProtocolException($"A-ASSOCIATE-AC answers presentation context {id}, which was not proposed.", AbortReason.UnexpectedPduParameter);
        var context = new PresentationContext(id, proposed.AbstractSyntax, proposed.ProposedTransferSyntaxes);
        if (result == PresentationContextResult.Acceptance && syntax is { Length: > 0 })
        {
            context.Accept(syntax);
        }
        else
        {
            context.Reject(result == PresentationContextResult.Acceptance ? PresentationContextResult.TransferSyntaxesNotSupported : result);
        }

        return context;
    }

    /// <summary>Decodes the sub-items both sides send into <paramref name="information"/>; the others go to <paramref name="other"/>.</summary>
    private static void DecodeUserInformation(ReadOnlySpan<byte> item, IAssociationUserInformation information, OtherUserInformationItem other)
    {
        var parser = new PduParser(item, "user information");
        while (!parser.AtEnd)
        {
            var type = parser.UInt8();
            parser.Skip(1);
            var value = parser.Bytes(parser.UInt16());
            var sub = new PduParser(value, $"user information sub-item 0x{type:X2}");
            switch (type)
            {
                case MaxLengthItem:
                    information.MaxPduLength = sub.UInt32();
                    break;
                case ImplementationClassItem:
                    information.ImplementationClassUid = sub.Ascii(value.Length);
                    break;
                case ImplementationVersionItem:
                    information.ImplementationVersionName = sub.Ascii(value.Length);
                    break;
                case AsyncWindowItem:
                    information.AsyncOperationsWindow = (sub.UInt16(), sub.UInt16());
                    break;
                case RoleSelectionItem:
                    information.RoleSelections.Add(DecodeRole(value));
                    break;
                case ExtendedNegotiationItem:
                    var uidLength = sub.UInt16();
                    var uid = sub.Ascii(uidLength);
                    information.ExtendedNegotiations.Add(new ExtendedNegotiation(uid, sub.Bytes(sub.Remaining).ToArray()));
                    break;
                default:
                    other(type, value, sub);
                    break;
            }
        }
    }

    /// <summary>A-ASSOCIATE-RQ only: User Identity (0x58); unknown sub-items are kept as they are.</summary>
    private static void DecodeRequestUserInformation(ReadOnlySpan<byte> item, AssociationRequest request) =>
        DecodeUserInformation(item, request, (byte type, ReadOnlySpan<byte> value, PduParser sub) =>
        {
            if (type == UserIdentityRequestItem)
            {
                var identityType = sub.UInt8();
                var positive = sub.UInt8() == 1;
                var primary = sub.Bytes(sub.UInt16()).ToArray();
                var secondary = sub.Bytes(sub.UInt16()).ToArray();
                request.UserIdentity = new UserIdentity(identityType, positive, primary, secondary);
            }
            else
            {
                request.OtherUserInformation.Add((type, value.ToArray()));
            }
        });

    /// <summary>A-ASSOCIATE-AC only: the User Identity server response (0x59); other sub-items are ignored.</summary>
    private static void DecodeAcceptUserInformation(ReadOnlySpan<byte> item, AssociationAccept accept) =>
        DecodeUserInformation(item, accept, (byte type, ReadOnlySpan<byte> _, PduParser sub) =>
        {
            if (type == UserIdentityResponseItem)
            {
                accept.UserIdentityResponse = sub.Bytes(sub.UInt16()).ToArray();
            }
        });

    private static RoleSelection DecodeRole(ReadOnlySpan<byte> value)
    {
        var parser = new PduParser(value, "role selection");
        var uid = parser.Ascii(parser.UInt16());
        return new RoleSelection(uid, parser.UInt8() == 1, parser.UInt8() == 1);
    }

    private delegate void OtherUserInformationItem(byte type, ReadOnlySpan<byte> value, PduParser sub);
}
