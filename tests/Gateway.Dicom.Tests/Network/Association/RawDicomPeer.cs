using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Dicom.Tests.Network;

/// <summary>A PDU as read off the wire: its type byte and body.</summary>
internal sealed record RawPdu(byte Type, byte[] Body)
{
    public const byte AssociateAccept = 0x02;
    public const byte AssociateReject = 0x03;
    public const byte DataTransfer = 0x04;
    public const byte ReleaseResponse = 0x06;
    public const byte Abort = 0x07;

    /// <summary>A-ASSOCIATE-RJ fields (result, source, reason), PS3.8 9.3.4.</summary>
    public (byte Result, byte Source, byte Reason) Rejection => (Body[1], Body[2], Body[3]);

    /// <summary>A-ABORT fields (source, reason), PS3.8 9.3.8.</summary>
    public (byte Source, byte Reason) AbortFields => (Body[2], Body[3]);
}

/// <summary>
/// A DICOM peer written from PS3.8 and PS3.7 with raw bytes, independent of the library under test: it can do
/// what well-behaved peers never do (stop in the middle of a data set, send garbage, never speak, announce an
/// unlimited PDU length) so the server's handling of them can be checked.
/// </summary>
internal sealed class RawDicomPeer : IDisposable
{
    public const string ImplicitVRLittleEndian = "1.2.840.10008.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    public const string Verification = "1.2.840.10008.1.1";

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawDicomPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> from <paramref name="sourceAddress"/> (any 127.0.0.0/8 address is loopback).</summary>
    public static async Task<RawDicomPeer> ConnectAsync(int port, string sourceAddress = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(sourceAddress), 0)) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawDicomPeer(client);
    }

    /// <summary>Connects, sends an A-ASSOCIATE-RQ and requires an A-ASSOCIATE-AC.</summary>
    public static async Task<RawDicomPeer> AssociateAsync(int port, string calledAE, uint maxPduLength, params (byte Id, string AbstractSyntax, string TransferSyntax)[] contexts)
    {
        var peer = await ConnectAsync(port);
        var answer = await peer.RequestAssociationAsync(calledAE, maxPduLength, contexts);
        Assert.True(answer?.Type == RawPdu.AssociateAccept, $"expected A-ASSOCIATE-AC, got {Describe(answer)}");
        return peer;
    }

    /// <summary>Sends an A-ASSOCIATE-RQ from RAWPEER and returns the answer (kept as <see cref="Accept"/> when it is an A-ASSOCIATE-AC).</summary>
    public async Task<RawPdu?> RequestAssociationAsync(string calledAE, uint maxPduLength, params (byte Id, string AbstractSyntax, string TransferSyntax)[] contexts)
    {
        await SendAsync(AssociateRequest(calledAE, "RAWPEER", maxPduLength, contexts));
        var answer = await ReadPduAsync(TimeSpan.FromSeconds(10));
        if (answer?.Type == RawPdu.AssociateAccept)
        {
            Accept = answer;
        }

        return answer;
    }

    /// <summary>The A-ASSOCIATE-AC received by <see cref="AssociateAsync"/>.</summary>
    public RawPdu? Accept { get; private set; }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>The next PDU; null if the server closed the connection first.</summary>
    public async Task<RawPdu?> ReadPduAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        var header = new byte[6];
        try
        {
            if (await ReadFullyAsync(header, limit.Token) < header.Length)
            {
                return null;
            }

            var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
            return await ReadFullyAsync(body, limit.Token) < body.Length ? null : new RawPdu(header[0], body);
        }
        catch (IOException)
        {
            return null; // connection reset
        }
    }

    /// <summary>Waits until the server closes the connection (reading and discarding what it sends); true if it did within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, limit.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends a command (and data set, if any) and returns the Status (0000,0900) of the response.</summary>
    public async Task<ushort> RequestAsync(byte contextId, byte[] command, byte[]? dataSet, int fragment = 16_000)
    {
        await SendAsync(PData(contextId, command: true, last: true, command));
        for (var offset = 0; dataSet is not null && offset < dataSet.Length; offset += fragment)
        {
            var length = Math.Min(fragment, dataSet.Length - offset);
            await SendAsync(PData(contextId, command: false, last: offset + length == dataSet.Length, dataSet.AsSpan(offset, length)));
        }

        return await ReadStatusAsync();
    }

    /// <summary>Reads P-DATA-TF PDUs until a whole command set has arrived and returns its Status.</summary>
    public async Task<ushort> ReadStatusAsync()
    {
        using var command = new MemoryStream();
        while (true)
        {
            var pdu = await ReadPduAsync(TimeSpan.FromSeconds(30));
            if (pdu?.Type != RawPdu.DataTransfer)
            {
                Assert.Fail($"expected P-DATA-TF, got {Describe(pdu)}");
            }

            for (var position = 0; position < pdu.Body.Length;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(pdu.Body.AsSpan(position));
                var header = pdu.Body[position + 5];
                command.Write(pdu.Body, position + 6, length - 2);
                position += 4 + length;
                if (header == 0x03)
                {
                    return StatusOf(command.ToArray());
                }
            }
        }
    }

    public void Close() => _client.Close();

    /// <summary>Closes with a TCP reset instead of an orderly shutdown.</summary>
    public void Reset()
    {
        _client.LingerState = new LingerOption(true, 0);
        _client.Close();
    }

    public void Dispose() => _client.Dispose();

    public static byte[] AssociateRequest(string calledAE, string callingAE, uint maxPduLength, params (byte Id, string AbstractSyntax, string TransferSyntax)[] contexts)
    {
        var body = new List<byte> { 0x00, 0x01, 0x00, 0x00 };
        body.AddRange(Encoding.ASCII.GetBytes(calledAE.PadRight(16)));
        body.AddRange(Encoding.ASCII.GetBytes(callingAE.PadRight(16)));
        body.AddRange(new byte[32]);
        body.AddRange(Item(0x10, Encoding.ASCII.GetBytes("1.2.840.10008.3.1.1.1")));
        foreach (var (id, abstractSyntax, transferSyntax) in contexts)
        {
            body.AddRange(Item(0x20, [id, 0, 0, 0, .. Item(0x30, Encoding.ASCII.GetBytes(abstractSyntax)), .. Item(0x40, Encoding.ASCII.GetBytes(transferSyntax))]));
        }

        var maxLength = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(maxLength, maxPduLength);
        body.AddRange(Item(0x50, [.. Item(0x51, maxLength), .. Item(0x52, Encoding.ASCII.GetBytes("1.2.3.4.5.6.7"))]));
        return Pdu(0x01, [.. body]);
    }

    public static byte[] PData(byte contextId, bool command, bool last, ReadOnlySpan<byte> data)
    {
        var pdv = new byte[6 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(pdv, (uint)(data.Length + 2));
        pdv[4] = contextId;
        pdv[5] = (byte)((command ? 1 : 0) | (last ? 2 : 0));
        data.CopyTo(pdv.AsSpan(6));
        return Pdu(0x04, pdv);
    }

    public static byte[] AbortPdu() => [0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0];

    public static byte[] ReleaseRequest() => [0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0];

    /// <summary>A C-ECHO-RQ command set (PS3.7 9.3.5), implicit VR little endian.</summary>
    public static byte[] EchoCommand(ushort messageId) =>
        CommandSet((0x0002, Uid(Verification)), (0x0100, UInt16(0x0030)), (0x0110, UInt16(messageId)), (0x0800, UInt16(0x0101)));

    /// <summary>A C-STORE-RQ command set (PS3.7 9.3.1), announcing a data set.</summary>
    public static byte[] StoreCommand(ushort messageId, string sopClassUid, string sopInstanceUid) =>
        CommandSet(
            (0x0002, Uid(sopClassUid)), (0x0100, UInt16(0x0001)), (0x0110, UInt16(messageId)), (0x0700, UInt16(0)),
            (0x0800, UInt16(0x0000)), (0x1000, Uid(sopInstanceUid)));

    /// <summary>The presentation context results of the A-ASSOCIATE-AC: id to (result, transfer syntax).</summary>
    public IReadOnlyDictionary<byte, (byte Result, string TransferSyntax)> AcceptedContexts()
    {
        var body = Accept!.Body;
        var contexts = new Dictionary<byte, (byte, string)>();
        for (var position = 68; position + 4 <= body.Length;)
        {
            var (type, length) = (body[position], BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(position + 2)));
            if (type == 0x21)
            {
                var syntax = length > 8 ? Encoding.ASCII.GetString(body, position + 12, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(position + 10))).TrimEnd('\0') : string.Empty;
                contexts[body[position + 4]] = (body[position + 6], syntax);
            }

            position += 4 + length;
        }

        return contexts;
    }

    public static string Describe(RawPdu? pdu) =>
        pdu is null ? "a closed connection" : $"PDU type 0x{pdu.Type:X2} ({string.Join(' ', pdu.Body.Take(16).Select(value => value.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)))})";

    private static ushort StatusOf(byte[] command)
    {
        for (var position = 0; position + 8 <= command.Length;)
        {
            var element = BinaryPrimitives.ReadUInt16LittleEndian(command.AsSpan(position + 2));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(command.AsSpan(position + 4));
            if (element == 0x0900)
            {
                return BinaryPrimitives.ReadUInt16LittleEndian(command.AsSpan(position + 8));
            }

            position += 8 + length;
        }

        throw new InvalidDataException("The response has no Status (0000,0900).");
    }

    private static byte[] CommandSet(params (ushort Element, byte[] Value)[] elements)
    {
        var body = elements.SelectMany(element => Element(element.Element, element.Value)).ToArray();
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)body.Length);
        return [.. Element(0x0000, groupLength), .. body];
    }

    private static byte[] Element(ushort element, byte[] value)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), element);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)value.Length);
        return [.. header, .. value];
    }

    private static byte[] Uid(string uid) => Encoding.ASCII.GetBytes(uid.Length % 2 == 0 ? uid : uid + "\0");

    private static byte[] UInt16(ushort value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] Item(byte type, byte[] value) => [type, 0, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    private static byte[] Pdu(byte type, byte[] body)
    {
        var header = new byte[6];
        header[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), (uint)body.Length);
        return [.. header, .. body];
    }

    private async Task<int> ReadFullyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (count == 0)
            {
                break;
            }

            read += count;
        }

        return read;
    }
}
