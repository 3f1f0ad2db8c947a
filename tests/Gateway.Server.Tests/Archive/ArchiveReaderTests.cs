using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Archive;

/// <summary>Retrieval lookups over instances stored through the ingest service, checked against the files' own UIDs.</summary>
public sealed class ArchiveReaderTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reader-").FullName;
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Study_series_and_instance_scopes_find_the_stored_instances_and_their_headers()
    {
        var folder = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes");
        var files = Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal).Take(3).ToArray();
        var objects = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
        var ingest = new IngestService(
            new PostgresArchiveIndex(_database, "node-a"),
            objects,
            TestHeaders.For(_database),
            new IngestOptions { SpoolDirectory = Path.Combine(_folder, "spool"), DuplicatePolicy = DuplicatePolicy.Reject },
            NullLogger<IngestService>.Instance);
        var stored = new List<DicomDataset>();
        foreach (var file in files)
        {
            await using var input = File.OpenRead(file);
            if ((await ingest.StoreFileAsync(input, null, TestContext.Current.CancellationToken)).Outcome == IngestOutcome.Stored)
            {
                stored.Add(DicomFile.Open(file).Dataset);
            }
        }

        Assert.NotEmpty(stored);
        var first = stored[0];
        var study = first.GetString(DicomTags.StudyInstanceUID)!;
        var series = first.GetString(DicomTags.SeriesInstanceUID)!;
        var sop = first.GetString(DicomTags.SOPInstanceUID)!;
        var reader = new PostgresArchiveReader(_database, TestHeaders.For(_database));

        var inStudy = await reader.LocateAsync(new RetrieveScope(study), TestContext.Current.CancellationToken);
        Assert.Equal(stored.Count(d => d.GetString(DicomTags.StudyInstanceUID) == study), inStudy.Count);
        var one = Assert.Single(await reader.LocateAsync(new RetrieveScope(study, series, sop), TestContext.Current.CancellationToken));
        Assert.Equal(sop, one.SopInstanceUid);
        Assert.Equal(first.GetString(DicomTags.SOPClassUID), one.SopClassUid);
        var serving = Assert.IsType<ArchivedObject>(one.Serving);
        Assert.Equal(StorageKind.Original, serving.Kind);
        Assert.True(await objects.ExistsAsync(serving.Key, TestContext.Current.CancellationToken));

        var header = Assert.Single(await reader.ReadHeadersAsync(new RetrieveScope(study, series, sop), TestContext.Current.CancellationToken));
        Assert.Contains(sop, header, StringComparison.Ordinal);
        Assert.Empty(await reader.LocateAsync(new RetrieveScope(study, "1.2.3.999"), TestContext.Current.CancellationToken));
        Assert.Empty(await reader.LocateAsync(new RetrieveScope("1.2.3.999"), TestContext.Current.CancellationToken));
    }
}
