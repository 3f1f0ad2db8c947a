using Gateway.Infrastructure.Storage;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// Removes from an object store what a crash can leave there: what unfinished puts left (temporary files, incomplete
/// multipart uploads), and objects no index row references (neither an objects row, a series latent nor a receiving
/// row's pending key), e.g. a replacement written just before a crash. Run at start-up, after receive recovery and
/// before the listeners open: a folder store serves one node, so nothing else writes to it then; an S3 store that
/// nodes share offers only what is old enough not to be another node's put in flight.
/// </summary>
public sealed class PostgresOrphanSweep(NpgsqlDataSource dataSource, ISweepableObjectStore store)
{
    /// <summary>Sweeps; returns the number of temporary files and of orphan objects deleted.</summary>
    public async Task<(int Temporary, int Orphans)> SweepAsync(CancellationToken cancellationToken)
    {
        var temporary = await store.DeleteUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = dataSource.CreateCommand(
            "select object_key from objects union all select object_key from series_latents union all select pending_object_key from instances where pending_object_key is not null"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                referenced.Add(reader.GetString(0));
            }
        }

        var unreferenced = new List<string>();
        await foreach (var key in store.ListSweepableKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!referenced.Contains(key))
            {
                unreferenced.Add(key);
            }
        }

        foreach (var key in unreferenced)
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return (temporary, unreferenced.Count);
    }
}
