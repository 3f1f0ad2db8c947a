namespace Gateway.Core.Compression;

/// <summary>
/// A run-time override of the model one rule of Gateway:Compression:Rules uses (its position in the list, from 0; the
/// position in <see cref="CompressionPolicy.DefaultRules"/> when none is configured): who promoted it and when. The
/// configuration's rules stay the default; the override wins over the rule's Model in the compress job (the series
/// job of a Latent3D rule keeps its configured 3D model).
/// </summary>
public sealed record ModelPromotion(int Rule, string ModelId, string PromotedBy, DateTimeOffset PromotedAt);

/// <summary>The promotions, persisted (PostgreSQL table model_promotions, migration 0016).</summary>
public interface IModelPromotions
{
    Task<IReadOnlyList<ModelPromotion>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Records <paramref name="modelId"/> as the model of rule <paramref name="rule"/>, replacing an earlier promotion of that rule.</summary>
    Task<ModelPromotion> PromoteAsync(int rule, string modelId, string promotedBy, CancellationToken cancellationToken);
}
