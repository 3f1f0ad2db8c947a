using Gateway.Core.Headers;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Headers;

/// <summary>
/// Series headers in PostgreSQL (see <see cref="ISeriesHeaderStore"/>): one row per Series Instance UID, inserted
/// with ON CONFLICT DO NOTHING on its unique constraint, so concurrent first instances settle on one.
/// </summary>
public sealed class PostgresSeriesHeaderStore(NpgsqlDataSource dataSource) : ISeriesHeaderStore
{
    public async Task<StoredSeriesHeader> GetOrAddAsync(string seriesInstanceUid, byte[] frame, string contentSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seriesInstanceUid);
        ArgumentNullException.ThrowIfNull(frame);
        await using var command = dataSource.CreateCommand(
            """
            with inserted as (
                insert into series_headers (series_instance_uid, content, content_sha256) values (@series, @content, @sha)
                on conflict (series_instance_uid) do nothing
                returning id, series_instance_uid, content, content_sha256)
            select id, series_instance_uid, content, content_sha256 from inserted
            union all
            select id, series_instance_uid, content, content_sha256 from series_headers where series_instance_uid = @series
            limit 1
            """);
        command.Parameters.AddWithValue("series", seriesInstanceUid);
        command.Parameters.AddWithValue("content", frame);
        command.Parameters.AddWithValue("sha", contentSha256);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // The second select sees the snapshot the statement started with: a row another transaction committed
            // after that is neither inserted nor found, and the next attempt finds it.
            if (await ReadAsync(command, cancellationToken).ConfigureAwait(false) is { } header)
            {
                return header;
            }
        }

        throw new InvalidOperationException($"Could not insert or find the series header of {seriesInstanceUid}.");
    }

    public async Task<StoredSeriesHeader?> LoadAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select id, series_instance_uid, content, content_sha256 from series_headers where id = @id");
        command.Parameters.AddWithValue("id", id);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<StoredSeriesHeader?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredSeriesHeader(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
    }
}
