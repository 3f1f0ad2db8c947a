using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Audit;

/// <summary>
/// The audit trail (section "Gateway:Audit"): every action is a row of the append-only audit_events table, and, with
/// <see cref="Syslog"/> set, a DICOM audit message (PS3.15 A.5) sent to a hospital's audit repository.
/// </summary>
public sealed class AuditOptions
{
    public const string SectionName = "Gateway:Audit";

    /// <summary>Events waiting for the database at most; more are counted and reported in the log (7740, 7741).</summary>
    [Range(100, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>The AuditSourceID of the messages sent (the gateway as the audit repository knows it); default the AE title.</summary>
    public string? SourceId { get; set; }

    public AuditSyslogOptions Syslog { get; set; } = new();
}

/// <summary>How audit messages reach the audit repository: syslog (RFC 5424) over UDP (RFC 5426), TCP or TLS (RFC 5425, RFC 6587 octet counting).</summary>
public sealed class AuditSyslogOptions
{
    /// <summary>The audit repository's host; no messages are sent while it is empty.</summary>
    public string? Host { get; set; }

    /// <summary>Its port; default 514 (UDP, TCP) or 6514 (TLS).</summary>
    public int? Port { get; set; }

    public SyslogProtocol Protocol { get; set; } = SyslogProtocol.Udp;

    /// <summary>TLS: a PEM file of the certificate authority the repository's certificate chains to, when the system store does not hold it.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>The syslog APP-NAME.</summary>
    public string AppName { get; set; } = "medvae-gateway";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public int EffectivePort => Port ?? (Protocol == SyslogProtocol.Tls ? 6514 : 514);

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem() =>
        Port is < 1 or > 65535 ? "Gateway:Audit:Syslog:Port must be 1-65535."
        : TrustedCaFile is not null && Protocol != SyslogProtocol.Tls ? "Gateway:Audit:Syslog:TrustedCaFile applies to Protocol Tls only."
        : TrustedCaFile is not null && !File.Exists(TrustedCaFile) ? $"Gateway:Audit:Syslog:TrustedCaFile {TrustedCaFile} does not exist."
        : AppName.Length is 0 or > 48 || AppName.Any(c => c is <= ' ' or > '~') ? "Gateway:Audit:Syslog:AppName must be 1-48 printable ASCII characters without spaces (RFC 5424)."
        : null;
}

public enum SyslogProtocol
{
    Udp,
    Tcp,
    Tls,
}
