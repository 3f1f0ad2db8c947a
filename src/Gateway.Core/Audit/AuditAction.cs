namespace Gateway.Core.Audit;

/// <summary>The audited actions (the audit_events.action values), each one row per request or stored instance.</summary>
public static class AuditAction
{
    /// <summary>One instance received (STOW-RS part or C-STORE): one row per instance.</summary>
    public const string Store = "store";

    /// <summary>A search (QIDO-RS or C-FIND): one row per request, with its level and key names, never its values.</summary>
    public const string Query = "query";

    /// <summary>A read of instances, metadata, frames or rendered images (WADO-RS, WADO-URI, C-GET, C-MOVE): one row per request.</summary>
    public const string Retrieve = "retrieve";

    /// <summary>A read of stored latents (the AI export): one row per request.</summary>
    public const string ExportLatent = "export-latent";

    /// <summary>A study, series or instance deleted by an admin.</summary>
    public const string Delete = "delete";

    /// <summary>A browser sign-in (local account or at the Authority), and a request whose credentials were refused (HTTP 401): one row each, with the reason.</summary>
    public const string Login = "login";

    /// <summary>A browser session signed out.</summary>
    public const string Logout = "logout";

    public const string ApiKeyCreate = "api-key-create";

    public const string ApiKeyRevoke = "api-key-revoke";

    /// <summary>A failed job queued again by an admin (the console's jobs page).</summary>
    public const string JobRetry = "job-retry";

    /// <summary>A queued or failed job removed by an admin (the console's jobs page).</summary>
    public const string JobCancel = "job-cancel";

    /// <summary>A lifecycle batch queued by an admin (the console's lifecycle page).</summary>
    public const string LifecycleRun = "lifecycle-run";

    /// <summary>A model promoted for a compression rule by an admin (the console's models page).</summary>
    public const string ModelPromote = "model-promote";

    /// <summary>A dry run of a model or of the policy started by an admin (the console's models page; it changes nothing in the archive).</summary>
    public const string ModelDryRun = "model-dry-run";

    /// <summary>A backfill with a rule's promoted model queued by an admin (the console's models page; it re-encodes stored instances).</summary>
    public const string ModelBackfill = "model-backfill";

    public static IReadOnlyList<string> All { get; } = [Store, Query, Retrieve, ExportLatent, Delete, Login, Logout, ApiKeyCreate, ApiKeyRevoke, JobRetry, JobCancel, LifecycleRun, ModelPromote, ModelDryRun, ModelBackfill];
}
