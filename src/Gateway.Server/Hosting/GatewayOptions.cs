using System.ComponentModel.DataAnnotations;
using Gateway.Core.Archive;
using Gateway.Core.Headers;

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

    /// <summary>
    /// Reverse proxies (IP addresses or CIDR networks) whose X-Forwarded-Proto/-Host/-Prefix are believed when
    /// <see cref="PublicBaseUrl"/> is empty; for anyone else the URLs name the address the connection reached.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// Free space the data folder's file systems must keep; below it /health/ready answers 503 (the disk is full)
    /// and the DICOM listener refuses associations until space is freed.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 1L << 30;

    public DuplicatePolicy DuplicatePolicy { get; set; } = DuplicatePolicy.Reject;

    /// <summary>The calling AE titles whose C-STORE may replace a stored instance under DuplicatePolicy Replace (required then).</summary>
    public List<string> DuplicateReplaceCallingAETitles { get; set; } = [];

    /// <summary>DICOM associations served at once.</summary>
    [Range(1, 100000)]
    public int DicomMaxAssociations { get; set; } = 64;

    /// <summary>DICOM connections open at once from one IP address (see DicomServerOptions.MaxAssociationsPerAddress).</summary>
    [Range(1, 100000)]
    public int DicomMaxAssociationsPerAddress { get; set; } = 16;

    /// <summary>ARTIM: how long a new connection may take to send its A-ASSOCIATE-RQ (and the TLS handshake before it).</summary>
    [Range(0.1, 600)]
    public double DicomAssociationRequestTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Known DICOM nodes, as "AE=host:port" or as <see cref="DimsePeerOptions"/> objects: the C-MOVE destinations, and
    /// the callers allowed (with their permissions) when <see cref="RestrictCallingAETitles"/> is on.
    /// </summary>
    public List<DimsePeerOptions> Peers { get; set; } = [];

    /// <summary>The AE allow-list: only <see cref="Peers"/> may call; unset, it is on as soon as any peer is configured.</summary>
    public bool? RestrictCallingAETitles { get; set; }

    public bool AllowListOn => RestrictCallingAETitles ?? Peers.Count > 0;

    public DicomTlsOptions DicomTls { get; set; } = new();

    /// <summary>This node's name in a multi-node deployment (defaults to the machine name).</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Whether this process runs the DICOM and DICOMweb listeners; false for `gateway worker`, which runs only queue
    /// workers (and the management port's /metrics and health checks) against an external PostgreSQL.
    /// </summary>
    public bool Listeners { get; set; } = true;

    /// <summary>Queue workers in this process (0, or `gateway serve --no-workers`: this node only receives and serves).</summary>
    [Range(0, 256)]
    public int JobWorkers { get; set; } = 2;

    /// <summary>Attempts of a job before it is marked failed.</summary>
    [Range(1, 1000)]
    public int JobMaxAttempts { get; set; } = 5;

    /// <summary>Delay before a job's first retry, doubled for each further one.</summary>
    [Range(0.001, 86400)]
    public double JobRetryBaseSeconds { get; set; } = 10;

    /// <summary>
    /// How long after an instance is stored its background jobs (verify, compress) become due, so that a burst of
    /// ingest (a PACS forwarding a study) is not slowed by work that can wait.
    /// </summary>
    [Range(0, 86400)]
    public double JobDelaySeconds { get; set; } = 10;

    /// <summary>How often idle workers look for due jobs without a NOTIFY.</summary>
    [Range(0.01, 3600)]
    public double JobPollSeconds { get; set; } = 5;

    /// <summary>
    /// The lease on a running job: its worker renews it every third of this while the job runs; a job not renewed for
    /// this long belongs to a dead worker (killed, its node gone) and is re-queued for another within about 1.25 times it.
    /// </summary>
    [Range(1, 86400)]
    public double JobLeaseSeconds { get; set; } = 60;

    /// <summary>The largest STOW-RS request body accepted (413 beyond).</summary>
    [Range(1, long.MaxValue)]
    public long StowMaxBodyBytes { get; set; } = 4L << 30;

    /// <summary>
    /// The most matches one QIDO-RS response holds: a search without a limit, or with a larger one, gets this many and
    /// a Warning header saying that more can be asked for with offset (PS3.18 8.3.4.4).
    /// </summary>
    [Range(1, 1_000_000)]
    public int QidoMaxResults { get; set; } = 1000;

    /// <summary>The most frame numbers one WADO-RS frames request may list (400 beyond).</summary>
    [Range(1, 1_000_000)]
    public int WadoMaxFrames { get; set; } = 2048;

    /// <summary>
    /// Size limit of the in-memory cache of DICOM JSON rendered from stored header deltas (WADO-RS metadata, QIDO-RS
    /// and C-FIND results read it); 0 turns it off.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MetadataCacheMaxBytes { get; set; } = new HeaderCacheOptions().JsonMaxBytes;

    /// <summary>Size limit of the reconstruction cache (data/cache: instances decoded from latents); 0 turns it off.</summary>
    [Range(0, long.MaxValue)]
    public long ReconstructionCacheMaxBytes { get; set; } = 2L << 30;

    /// <summary>Whether opening a latent instance that is not cached reconstructs the rest of its series in the background.</summary>
    public bool ReconstructionPrefetch { get; set; } = true;

    /// <summary>How many series may wait for prefetch (beyond that, requests to prefetch are dropped).</summary>
    [Range(1, 100000)]
    public int ReconstructionPrefetchQueue { get; set; } = 64;

    public string ObjectsDirectory => Path.Combine(DataDirectory, "objects");

    public string CacheDirectory => Path.Combine(DataDirectory, "cache");

    public string SpoolDirectory => Path.Combine(DataDirectory, "spool");

    public string PostgresDirectory => Path.Combine(DataDirectory, "pg");
}
