using Gateway.Core.Compression;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Models;

/// <summary>The model promotions in the model_promotions table (migration 0016), one row per rule.</summary>
public sealed class PostgresModelPromotions(NpgsqlDataSource dataSource) : IModelPromotions
{
    public async Task<IReadOnlyList<ModelPromotion>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select rule_index, model_id, promoted_by, promoted_at from model_promotions order by rule_index");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var promotions = new List<ModelPromotion>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            promotions.Add(Read(reader));
        }

        return promotions;
    }

    public async Task<ModelPromotion> PromoteAsync(int rule, string modelId, string promotedBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            insert into model_promotions (rule_index, model_id, promoted_by) values (@rule, @model, @by)
            on conflict (rule_index) do update set model_id = excluded.model_id, promoted_by = excluded.promoted_by, promoted_at = now()
            returning rule_index, model_id, promoted_by, promoted_at
            """);
        command.Parameters.AddWithValue("rule", rule);
        command.Parameters.AddWithValue("model", modelId);
        command.Parameters.AddWithValue("by", promotedBy);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Read(reader);
    }

    private static ModelPromotion Read(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
}
