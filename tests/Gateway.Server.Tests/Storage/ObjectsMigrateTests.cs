using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Infrastructure.Storage.S3;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Storage;

/// <summary>`gateway objects migrate --to s3`: a folder store copied into a real radosgw bucket, verified, resumable.</summary>
public sealed class ObjectsMigrateTests(PostgresCluster cluster, RadosGateway rados) : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("objects-migrate-").FullName;
    private string _connectionString = null!;
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken);
        _database = NpgsqlDataSource.Create(_connectionString);
        await new MigrationRunner(_database, NullLogger<MigrationRunner>.Instance).ApplyAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_command_copies_every_indexed_object_verified_and_a_second_run_copies_only_what_is_new()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU"), "*.dcm").Order(StringComparer.Ordinal).Take(5).ToList();
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        await IngestAsync(files[..3]);

        var first = await MigrateAsync(bucket);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("3 objects (", first.Output, StringComparison.Ordinal);
        Assert.Contains(", 0 copied by an earlier run, 0 failed", first.Output, StringComparison.Ordinal);
        await AssertBucketHoldsTheIndexedObjectsAsync(bucket);

        await IngestAsync(files[3..]);
        var second = await MigrateAsync(bucket);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("2 objects (", second.Output, StringComparison.Ordinal);
        Assert.Contains(", 3 copied by an earlier run, 0 failed", second.Output, StringComparison.Ordinal);
        await AssertBucketHoldsTheIndexedObjectsAsync(bucket);
    }

    [Fact]
    public async Task A_damaged_source_object_is_reported_and_not_copied_and_the_others_are()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU"), "*.dcm").Order(StringComparer.Ordinal).Take(3).ToList();
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        await IngestAsync(files);
        var damaged = (await IndexedAsync())[1].Key;
        var path = Assert.Single(Directory.GetFiles(Path.Combine(_data, "objects"), damaged, SearchOption.AllDirectories));
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        using var target = new S3ObjectStore(S3Clients.Create(bucket), bucket);
        var progress = Path.Combine(_data, "progress");

        var report = await new ObjectStoreMigration(_database, new FileSystemObjectStore(Path.Combine(_data, "objects")), target, progress, NullLogger.Instance).RunAsync(cancellationToken);

        Assert.Equal(2, report.Copied);
        Assert.StartsWith(damaged + ": the source holds", Assert.Single(report.Failed), StringComparison.Ordinal);
        Assert.False(await target.ExistsAsync(damaged, cancellationToken));
        Assert.DoesNotContain(damaged, await File.ReadAllLinesAsync(progress, cancellationToken));
        var again = await new ObjectStoreMigration(_database, new FileSystemObjectStore(Path.Combine(_data, "objects")), target, progress, NullLogger.Instance).RunAsync(cancellationToken);
        Assert.Equal((0, 2, 1), (again.Copied, again.Skipped, again.Failed.Count));
    }

    private async Task IngestAsync(IEnumerable<string> files)
    {
        var ingest = new IngestService(
            new PostgresArchiveIndex(_database, "node-a"),
            new FileSystemObjectStore(Path.Combine(_data, "objects")),
            TestHeaders.For(_database),
            new IngestOptions { SpoolDirectory = Path.Combine(_data, "spool") },
            NullLogger<IngestService>.Instance);
        foreach (var file in files)
        {
            await using var input = File.OpenRead(file);
            Assert.Equal(IngestOutcome.Stored, (await ingest.StoreFileAsync(input, null, TestContext.Current.CancellationToken)).Outcome);
        }
    }

    private Task<(int ExitCode, string Output)> MigrateAsync(S3ObjectStoreOptions bucket)
    {
        var environment = RadosGateway.EnvironmentOf(bucket);
        environment.Remove("GATEWAY__OBJECTSTORE__KIND");
        return PeerProcess.RunAsync(
            "dotnet", [GatewayProcess.GatewayDll(), "objects", "migrate", "--to", "s3", "--data", _data, "--postgres", _connectionString], "dotnet-sdk-10.0", environment, TimeSpan.FromMinutes(2));
    }

    private async Task AssertBucketHoldsTheIndexedObjectsAsync(S3ObjectStoreOptions bucket)
    {
        using var store = new S3ObjectStore(S3Clients.Create(bucket), bucket);
        var indexed = await IndexedAsync();
        Assert.Equal(indexed.Select(entry => entry.Key).Order(StringComparer.Ordinal), await TestObjectStores.KeysAsync(store, TestContext.Current.CancellationToken));
        foreach (var (key, sha256) in indexed)
        {
            await using var stream = await store.OpenReadAsync(key, TestContext.Current.CancellationToken);
            Assert.Equal(sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, TestContext.Current.CancellationToken)));
        }
    }

    private async Task<List<(string Key, string Sha256)>> IndexedAsync()
    {
        var indexed = new List<(string Key, string Sha256)>();
        await using var command = _database.CreateCommand("select object_key, sha256 from objects order by object_key");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            indexed.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexed;
    }
}
