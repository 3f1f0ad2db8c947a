using Gateway.Core.Archive;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Jobs;

/// <summary>The start-up sweep of the folder object store: what no row references goes, what a row references (or is writing) stays.</summary>
public sealed class OrphanSweepTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sweep-").FullName;
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Unreferenced_objects_and_unfinished_temporary_files_are_removed_and_referenced_or_pending_objects_kept()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var file = TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm");
        var objects = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
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
        await File.WriteAllBytesAsync(Path.Combine(_folder, "objects", ".tmp", "unfinished"), [7, 8], cancellationToken);
        var probe = new ArchiveProbe(string.Empty, _folder);
        var kept = probe.ObjectFiles().Select(Path.GetFileName).Where(name => name != "orphan.dcm").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, kept.Count);

        var (temporary, orphans) = await new PostgresOrphanSweep(_database, objects).SweepAsync(cancellationToken);

        Assert.Equal((1, 1), (temporary, orphans));
        Assert.Equal(kept, probe.ObjectFiles().Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder, "objects", ".tmp")));
    }
}
