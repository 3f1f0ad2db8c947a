using Gateway.Core.Compression;
using Gateway.Infrastructure.Postgres.Compression;
using Npgsql;

namespace Gateway.Server.Tests.Compression;

/// <summary>The models table: filled from the engine's models, and a model that stored latents reference can be neither deleted nor silently re-pointed.</summary>
public sealed class ModelCatalogTests(PostgresCluster cluster) : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_referenced_model_cannot_be_deleted_and_its_record_keeps_the_weights_its_latents_were_made_with()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var catalog = new PostgresModelCatalog(_database);
        Assert.Empty(await catalog.RegisterAsync([new LatentModelInfo("m16", 16, 1, "aaa", 35.15), new LatentModelInfo("m64", 64, 1, "bbb", 31.0)], cancellationToken));
        await ExecuteAsync(
            """
            insert into instances (sop_instance_uid, sop_class_uid, study_instance_uid, series_instance_uid, state, transfer_syntax_uid, header, content_sha256)
            values ('1.2.3', '1.2.840.10008.5.1.4.1.1.2', '1.2', '1.2.3.4', 'compressed', '1.2.840.10008.1.2.1', '{}', 'x');
            insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id)
            values ((select id from instances), 'latent', 'k.latent', 'medvae-latent/1', 10, 'y', 'm16');
            """);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("delete from models where id = 'm16'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
        await ExecuteAsync("delete from models where id = 'm64'");

        // New weights under the referenced id are reported and not recorded; an unreferenced model is refreshed.
        Assert.Equal(["m16"], await catalog.RegisterAsync([new LatentModelInfo("m16", 16, 1, "changed", 35.15), new LatentModelInfo("m64", 64, 1, "ccc", 31.0)], cancellationToken));
        await using var command = _database.CreateCommand("select id || '=' || sha256 from models order by id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        Assert.Equal(["m16=aaa", "m64=ccc"], rows);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
