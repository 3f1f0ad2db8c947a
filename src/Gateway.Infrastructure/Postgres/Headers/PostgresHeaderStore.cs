using Gateway.Core.Headers;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Headers;

/// <summary>
/// Headers in PostgreSQL (see <see cref="IHeaderStore"/>): one series_headers row per Series Instance UID, inserted
/// with ON CONFLICT DO NOTHING on its unique constraint, so concurrent first instances settle on one; each
/// instance's header in its row's columns (<see cref="StoredHeaderColumns"/>).
/// </summary>
public sealed class PostgresHeaderStore(NpgsqlDataSource dataSource) : IHeaderStore
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

    public async Task<StoredHeader?> LoadInstanceHeaderAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {StoredHeaderColumns.Select} from instances i where i.id = @id");
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoredHeaderColumns.Read(reader, 0) : null;
    }

    public async Task ReplaceInstanceHeaderAsync(long instanceId, StoredHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.SeriesHeaderId is not { } seriesHeaderId || header.Delta is not { } delta)
        {
            throw new ArgumentException("Only a delta replaces an instance's stored header.", nameof(header));
        }

        await using var command = dataSource.CreateCommand(
            "update instances set header = null, series_header_fk = @seriesHeader, header_delta = @delta, updated_at = now() where id = @id");
        command.Parameters.AddWithValue("seriesHeader", seriesHeaderId);
        command.Parameters.AddWithValue("delta", delta);
        command.Parameters.AddWithValue("id", instanceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<StoredSeriesHeader?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredSeriesHeader(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
    }
}
