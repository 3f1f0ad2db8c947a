using Gateway.Core.Archive;
using Gateway.Core.Jobs;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>The objects rows of an instance (for jobs, which refer to instances by row id).</summary>
public sealed class PostgresInstanceObjects(NpgsqlDataSource dataSource) : IInstanceObjects
{
    public async Task<IReadOnlyList<ArchivedObject>> ListAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select kind, object_key, codec, size_bytes, sha256, model_id from objects where instance_fk = @id order by id");
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<ArchivedObject>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new ArchivedObject(
                PostgresStates.ParseKind(reader.GetString(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return found;
    }
}
