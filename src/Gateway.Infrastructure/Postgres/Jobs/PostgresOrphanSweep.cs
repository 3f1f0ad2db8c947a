using Gateway.Infrastructure.Storage;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// Removes from a folder object store what a crash can leave there: temporary files of unfinished puts, and
/// objects no index row references (neither an objects row, a series latent nor a receiving row's pending key), e.g. a replacement
/// written just before a crash. Run at start-up, after receive recovery and before the listeners open: a folder
/// store serves one node, so nothing else writes to it then.
/// </summary>
public sealed class PostgresOrphanSweep(NpgsqlDataSource dataSource, FileSystemObjectStore store)
{
    /// <summary>Sweeps; returns the number of temporary files and of orphan objects deleted.</summary>
    public async Task<(int Temporary, int Orphans)> SweepAsync(CancellationToken cancellationToken)
    {
        var temporary = store.DeleteTemporaryFiles();
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

        var orphans = 0;
        foreach (var key in store.EnumerateKeys().Where(key => !referenced.Contains(key)).ToList())
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            orphans++;
        }

        return (temporary, orphans);
    }
}
