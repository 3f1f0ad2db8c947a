using System.ComponentModel.DataAnnotations;
using Gateway.Core.Archive;

namespace Gateway.Server.Hosting;

/// <summary>The gateway's settings: section "Gateway" of appsettings, GATEWAY__* environment variables, or `gateway serve` flags.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Folder for everything the gateway keeps: data/pg (embedded PostgreSQL), data/objects, data/spool.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>HTTP listen address (DICOMweb, dashboard, health, metrics).</summary>
    [Required]
    public string Http { get; set; } = "127.0.0.1:8080";

    [Range(0, 65535)]
    public int DicomPort { get; set; } = 11112;

    /// <summary>Address the DICOM listener binds to.</summary>
    public string DicomBindAddress { get; set; } = "127.0.0.1";

    [Required]
    [StringLength(16, MinimumLength = 1)]
    public string AETitle { get; set; } = "GATEWAY";

    /// <summary>An existing PostgreSQL (Npgsql connection string); empty for the embedded cluster under the data folder.</summary>
    public string? Postgres { get; set; }

    /// <summary>Base URL clients reach the DICOMweb root by (for BulkDataURI and RetrieveURL); derived from each request when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    public DuplicatePolicy DuplicatePolicy { get; set; } = DuplicatePolicy.Reject;

    /// <summary>Known DICOM nodes as "AE=host:port": C-MOVE destinations, and the callers allowed when <see cref="RestrictCallingAETitles"/> is on.</summary>
    public List<string> Peers { get; set; } = [];

    public bool RestrictCallingAETitles { get; set; }

    /// <summary>This node's name in a multi-node deployment (defaults to the machine name).</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    public string ObjectsDirectory => Path.Combine(DataDirectory, "objects");

    public string SpoolDirectory => Path.Combine(DataDirectory, "spool");

    public string PostgresDirectory => Path.Combine(DataDirectory, "pg");
}
