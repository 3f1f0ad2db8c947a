using System.Globalization;
using System.Text;

namespace Gateway.Server.Audit.Syslog;

/// <summary>
/// One RFC 5424 syslog message carrying an audit message: PRI 85 (facility 10 security/authorization, severity 5
/// notice, as IHE ATNA sends audit records), version 1, UTC timestamp, host, APP-NAME, PROCID, MSGID "IHE+RFC-3881",
/// no structured data, then the UTF-8 BOM and the XML.
/// </summary>
internal static class SyslogFrame
{
    public const string MessageId = "IHE+RFC-3881";

    private const int Priority = (10 * 8) + 5;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static byte[] Format(DateTimeOffset at, string hostName, string appName, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"<{Priority}>1 {at.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {HeaderField(hostName, 255)} {HeaderField(appName, 48)} {Environment.ProcessId} {MessageId} - ");
        var headerBytes = Encoding.ASCII.GetBytes(header);
        var frame = new byte[headerBytes.Length + Bom.Length + message.Length];
        headerBytes.CopyTo(frame, 0);
        Bom.CopyTo(frame, headerBytes.Length);
        message.CopyTo(frame, headerBytes.Length + Bom.Length);
        return frame;
    }

    /// <summary>RFC 5424 header fields are printable US-ASCII without spaces, of bounded length; "-" when there is nothing.</summary>
    private static string HeaderField(string value, int maxLength)
    {
        var printable = new string(value.Where(c => c is > ' ' and <= '~').Take(maxLength).ToArray());
        return printable.Length == 0 ? "-" : printable;
    }
}
