using Gateway.Core.Audit;

namespace Gateway.Server.Audit.Http;

/// <summary>
/// What a handler tells the audit trail beyond its route: a short detail, an outcome the status code does not tell, and for STOW-RS the instances the request
/// stored or refused (then one row each instead of one for the request).
/// </summary>
public sealed class HttpAuditFeature
{
    /// <summary>
    /// The action of a request that no route marks: the OpenID Connect sign-in callback, which the authentication
    /// handler answers before any endpoint runs.
    /// </summary>
    public string? Action { get; set; }

    public string? Detail { get; set; }

    /// <summary>
    /// The outcome where the status code does not tell it: a console form refused or left without effect is answered
    /// with a redirect (3xx, otherwise a success) and sets <see cref="AuditOutcome.MinorFailure"/> here.
    /// </summary>
    public AuditOutcome? Outcome { get; set; }

    public List<AuditedInstance> Instances { get; } = [];
}

/// <summary>One instance a request acted on, with its own outcome.</summary>
public sealed record AuditedInstance(string? StudyInstanceUid, string? SeriesInstanceUid, string? SopInstanceUid, AuditOutcome Outcome, string? Detail);

public static class HttpAuditExtensions
{
    /// <summary>The request's <see cref="HttpAuditFeature"/>, made on first use.</summary>
    public static HttpAuditFeature Audit(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<HttpAuditFeature>();
        if (feature is null)
        {
            feature = new HttpAuditFeature();
            context.Features.Set(feature);
        }

        return feature;
    }

    /// <summary>Marks the routes of <paramref name="builder"/> as <paramref name="action"/>s: each request leaves an audit row.</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new AuditedActionMetadata(action));
    }
}

/// <summary>Endpoint metadata: requests to this route are audited as <see cref="Action"/> (one of <see cref="AuditAction"/>).</summary>
public sealed record AuditedActionMetadata(string Action);
