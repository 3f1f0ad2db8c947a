using Gateway.Core.Archive;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Headers;
using Gateway.Server.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Jobs;

/// <summary>The start-up sweep of an object store (folder and S3): what no row references goes, what a row references (or is writing) stays.</summary>
public sealed class OrphanSweepTests(PostgresCluster cluster, RadosGateway rados) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sweep-").FullName;
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task Unreferenced_objects_and_unfinished_puts_are_removed_and_referenced_or_pending_objects_kept(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var file = TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm");
        var objects = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        var ingest = new IngestService(new PostgresArchiveIndex(_database, "node-a"), objects, TestHeaders.For(_database), new IngestOptions { SpoolDirectory = Path.Combine(_folder, "spool") }, NullLogger<IngestService>.Instance);
        await using (var input = File.OpenRead(file))
        {
            Assert.Equal(IngestOutcome.Stored, (await ingest.StoreFileAsync(input, null, cancellationToken)).Outcome);
        }

        // A receive in progress on another node: its pending object must survive.
        await using (var command = _database.CreateCommand(
            """
            insert into instances (sop_instance_uid, sop_class_uid, study_instance_uid, series_instance_uid, state, transfer_syntax_uid,
                header, content_sha256, pending_object_key, receiving_node)
            values ('1.2.3.4', '1.2.840.10008.5.1.4.1.1.4', '1.2.3', '1.2.3.1', 'receiving', '1.2.840.10008.1.2.1', '{}', 'x', 'pending.dcm', 'node-b')
            """))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await objects.PutAsync("pending.dcm", new MemoryStream([1, 2, 3]), cancellationToken);
        await objects.PutAsync("orphan.dcm", new MemoryStream([4, 5, 6]), cancellationToken);
        await TestObjectStores.LeaveUnfinishedPutAsync(objects, rados, _folder, cancellationToken);
        var kept = (await TestObjectStores.KeysAsync(objects, cancellationToken)).Where(name => name != "orphan.dcm").ToList();
        Assert.Equal(2, kept.Count);
        Assert.Equal(1, await TestObjectStores.UnfinishedCountAsync(objects, rados, _folder, cancellationToken));

        var (temporary, orphans) = await new PostgresOrphanSweep(_database, objects).SweepAsync(cancellationToken);

        Assert.Equal((1, 1), (temporary, orphans));
        Assert.Equal(kept, await TestObjectStores.KeysAsync(objects, cancellationToken));
        Assert.Equal(0, await TestObjectStores.UnfinishedCountAsync(objects, rados, _folder, cancellationToken));
    }

    /// <summary>In a bucket that nodes share, an unreferenced object may be another node's put whose row comes next: young ones stay.</summary>
    [Fact]
    public async Task An_S3_sweep_leaves_unreferenced_objects_and_uploads_younger_than_the_minimum_age()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var options = await rados.CreateBucketAsync(cancellationToken);
        options.OrphanMinAgeSeconds = 600;
        var objects = new Gateway.Infrastructure.Storage.S3.S3ObjectStore(Gateway.Infrastructure.Storage.S3.S3Clients.Create(options), options);
        await objects.PutAsync("young.dcm", new MemoryStream([1, 2, 3]), cancellationToken);
        await TestObjectStores.LeaveUnfinishedPutAsync(objects, rados, _folder, cancellationToken);

        Assert.Equal((0, 0), await new PostgresOrphanSweep(_database, objects).SweepAsync(cancellationToken));
        Assert.True(await objects.ExistsAsync("young.dcm", cancellationToken));
        Assert.Equal(1, await TestObjectStores.UnfinishedCountAsync(objects, rados, _folder, cancellationToken));
    }
}
