using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Core.Jobs;
using Gateway.Infrastructure.Postgres.Headers;
using Npgsql;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// The archive index on PostgreSQL, read side for retrieval (see <see cref="IArchiveReader"/>); headers stored as
/// deltas are decoded against their series header by <paramref name="headers"/>.
/// </summary>
public sealed class PostgresArchiveReader(NpgsqlDataSource dataSource, InstanceHeaders headers) : IArchiveReader
{
    private const string ScopeFilter =
        """
        i.state <> 'receiving' and i.study_instance_uid = @study
          and (@series::text is null or i.series_instance_uid = @series)
          and (@sop::text is null or i.sop_instance_uid = @sop)
        """;

    private const string Order = "order by i.series_instance_uid, i.instance_number nulls last, i.sop_instance_uid";

    public async Task<IReadOnlyList<ArchivedInstance>> LocateAsync(RetrieveScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var command = dataSource.CreateCommand(
            $"""
            select i.id, i.study_instance_uid, i.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, i.transfer_syntax_uid,
                   i.state, i.rows, i.columns, i.number_of_frames,
                   o.kind, o.object_key, o.codec, o.size_bytes, o.sha256, o.model_id,
                   sl.object_key, sl.size_bytes, sl.sha256, sl.model_id, i.slice_index
            from instances i left join objects o on o.instance_fk = i.id
            left join series_latents sl on sl.id = i.series_latent_id
            where {ScopeFilter}
            {Order}, o.id
            """);
        AddScope(command, scope);
        var instances = new List<ArchivedInstance>();
        List<ArchivedObject>? objects = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetInt64(0);
            if (instances.Count == 0 || instances[^1].Id != id)
            {
                objects = [];
                instances.Add(new ArchivedInstance(
                    id,
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    PostgresStates.Parse(reader.GetString(6)),
                    NullableInt(reader, 7),
                    NullableInt(reader, 8),
                    NullableInt(reader, 9),
                    objects));
                if (!reader.IsDBNull(16))
                {
                    // Its slice of a series latent: the shared object, recorded once in series_latents.
                    objects.Add(new ArchivedObject(StorageKind.Latent3D, reader.GetString(16), SeriesJobHandler.Codec, reader.GetInt64(17), reader.GetString(18), reader.GetString(19))
                    {
                        SliceIndex = reader.GetInt32(20),
                    });
                }
            }

            if (!reader.IsDBNull(10))
            {
                objects!.Add(new ArchivedObject(
                    PostgresStates.ParseKind(reader.GetString(10)),
                    reader.GetString(11),
                    reader.GetString(12),
                    reader.GetInt64(13),
                    reader.GetString(14),
                    reader.IsDBNull(15) ? null : reader.GetString(15)));
            }
        }

        return instances;
    }

    public async Task<IReadOnlyList<string>> ReadHeadersAsync(RetrieveScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var command = dataSource.CreateCommand(
            $"select i.sop_instance_uid, {StoredHeaderColumns.Select} from instances i where {ScopeFilter} {Order}");
        AddScope(command, scope);
        var stored = new List<(StoredHeader Header, string What)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored.Add((StoredHeaderColumns.Read(reader, 1), reader.GetString(0)));
            }
        }

        return await headers.ReadJsonAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>?> ReadSliceOrderAsync(string seriesLatentKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select slice_uids from series_latents where object_key = @key");
        command.Parameters.AddWithValue("key", seriesLatentKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string[];
    }

    private static void AddScope(NpgsqlCommand command, RetrieveScope scope)
    {
        command.Parameters.AddWithValue("study", scope.StudyInstanceUid);
        command.Parameters.Add(new NpgsqlParameter<string?>("series", scope.SeriesInstanceUid) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?>("sop", scope.SopInstanceUid) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
    }

    private static int? NullableInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
}
