using Gateway.Core.Compression;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>
/// The models table: the models the latent engine loaded, recorded at start-up so that latents can reference them
/// (objects.model_id, ON DELETE RESTRICT). Rows are only ever added or refreshed, never deleted.
/// </summary>
public sealed class PostgresModelCatalog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Inserts new models and refreshes known ones; returns the ids whose recorded sha256 differs from the loaded
    /// model's while latents reference them (those rows are left as they are: the latents were made with the
    /// recorded weights).
    /// </summary>
    public async Task<IReadOnlyList<string>> RegisterAsync(IEnumerable<LatentModelInfo> models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(models);
        var conflicts = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in models)
        {
            await using var command = new NpgsqlCommand(
                """
                insert into models (id, sha256, factor, channels, card_psnr) values (@id, @sha, @factor, @channels, @psnr)
                on conflict (id) do update set
                    sha256 = excluded.sha256, factor = excluded.factor, channels = excluded.channels,
                    card_psnr = excluded.card_psnr, last_seen = now()
                where models.sha256 = excluded.sha256 or not exists (select 1 from objects o where o.model_id = models.id)
                returning id
                """,
                connection);
            command.Parameters.AddWithValue("id", model.Id);
            command.Parameters.AddWithValue("sha", model.Sha256);
            command.Parameters.AddWithValue("factor", model.Factor);
            command.Parameters.AddWithValue("channels", model.LatentChannels);
            command.Parameters.AddWithValue("psnr", model.CardPsnr);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                conflicts.Add(model.Id);
            }
        }

        return conflicts;
    }
}
