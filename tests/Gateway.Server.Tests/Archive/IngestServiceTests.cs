using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Archive;

/// <summary>The two-phase store against a real PostgreSQL and a real folder object store.</summary>
public sealed class IngestServiceTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-").FullName;
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_stored_file_is_indexed_with_its_object_and_a_verify_job()
    {
        var path = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var (service, objects) = Service(DuplicatePolicy.Reject);
        await using var input = File.OpenRead(path);
        var result = await service.StoreFileAsync(input, null, TestContext.Current.CancellationToken);

        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        var expectedUid = DicomFile.Open(path).Dataset.GetString(DicomTags.SOPInstanceUID);
        Assert.Equal(expectedUid, result.SopInstanceUid);
        var (state, key, sha, jobs) = await RowAsync(expectedUid!);
        Assert.Equal("stored", state);
        Assert.Equal(1, jobs);
        await using var stored = await objects.OpenReadAsync(key, TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, TestContext.Current.CancellationToken);
        Assert.Equal(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), copy.ToArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy.ToArray())), sha);
    }

    [Fact]
    public async Task A_file_too_large_to_spool_in_memory_is_spilled_to_disk_stored_byte_for_byte_and_the_spool_emptied()
    {
        var path = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var file = DicomFile.Open(path);
        var document = new byte[6 << 20]; // above the 4 MiB an instance may occupy in memory while it is received
        new Random(7).NextBytes(document);
        file.Dataset.Add(new DicomValueElement(DicomTags.EncapsulatedDocument, DicomVR.OB, document));
        using var output = new MemoryStream();
        file.Save(output);
        var bytes = output.ToArray();
        var (service, objects) = Service(DuplicatePolicy.Reject);

        var result = await StoreAsync(service, bytes);

        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        var (state, key, sha, _) = await RowAsync(result.SopInstanceUid!);
        Assert.Equal("stored", state);
        await using var stored = await objects.OpenReadAsync(key, TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, TestContext.Current.CancellationToken);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), sha);
        var spool = Path.Combine(_folder, "spool");
        Assert.True(!Directory.Exists(spool) || !Directory.EnumerateFiles(spool).Any(), "the spool is empty");
    }

    [Fact]
    public async Task An_identical_resend_succeeds_and_a_different_one_follows_the_policy()
    {
        var path = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var (service, _) = Service(DuplicatePolicy.Reject);
        Assert.Equal(IngestOutcome.Stored, (await StoreAsync(service, File.ReadAllBytes(path))).Outcome);
        Assert.Equal(IngestOutcome.AlreadyStored, (await StoreAsync(service, File.ReadAllBytes(path))).Outcome);

        var altered = Altered(path);
        Assert.Equal(IngestOutcome.Conflict, (await StoreAsync(service, altered)).Outcome);

        var (replacing, objects) = Service(DuplicatePolicy.Replace);
        var uid = DicomFile.Open(path).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        var before = (await RowAsync(uid)).Key;
        Assert.Equal(IngestOutcome.Conflict, (await StoreAsync(replacing, altered)).Outcome); // STOW-RS names no caller allowed to replace
        Assert.Equal(IngestOutcome.Conflict, (await CStoreAsync(replacing, altered, "OTHER")).Outcome);
        Assert.Equal(before, (await RowAsync(uid)).Key);
        Assert.Equal(IngestOutcome.Stored, (await CStoreAsync(replacing, altered, "PACS")).Outcome);
        var after = await RowAsync(uid);
        Assert.NotEqual(before, after.Key);
        Assert.False(await objects.ExistsAsync(before, TestContext.Current.CancellationToken));
        Assert.True(await objects.ExistsAsync(after.Key, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_file_without_identifying_uids_is_invalid_and_leaves_nothing()
    {
        var path = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var file = DicomFile.Open(path);
        file.Dataset.Remove(DicomTags.StudyInstanceUID);
        using var bytes = new MemoryStream();
        file.Save(bytes);
        var (service, _) = Service(DuplicatePolicy.Reject);
        var result = await StoreAsync(service, bytes.ToArray());
        Assert.Equal(IngestOutcome.Invalid, result.Outcome);
        Assert.Contains("StudyInstanceUID", result.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("select count(*) from instances"));
    }

    [Fact]
    public async Task Recovery_removes_a_receive_a_crash_left_half_done()
    {
        var index = new PostgresArchiveIndex(_database, "node-a");
        var objects = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
        var attributes = new InstanceAttributes { SopInstanceUid = "1.2.3.4", SopClassUid = "1.2.840.10008.5.1.4.1.1.7", StudyInstanceUid = "1.2.3", SeriesInstanceUid = "1.2.3.1" };
        var ticket = await index.BeginReceiveAsync(new NewInstance(attributes, "1.2.840.10008.1.2.1", StoredHeader.OfJson("{}"), "00", 0, null), "half-written.dcm", TestContext.Current.CancellationToken);
        await objects.PutAsync("half-written.dcm", new MemoryStream([1, 2, 3]), TestContext.Current.CancellationToken);
        Assert.NotNull(ticket.InstanceId);

        var (service, _) = Service(DuplicatePolicy.Reject);
        Assert.Equal(1, await service.RecoverAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0L, await CountAsync("select count(*) from instances"));
        Assert.False(await objects.ExistsAsync("half-written.dcm", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Point06_two_new_instances_of_one_study_with_different_patients_racing_leave_the_study_with_the_first_patient()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var index = new PostgresArchiveIndex(_database, "node-a");
        var objects = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
        static NewInstance Instance(string sopInstanceUid, string patientId) => new(
            new InstanceAttributes { SopInstanceUid = sopInstanceUid, SopClassUid = "1.2.840.10008.5.1.4.1.1.7", StudyInstanceUid = "1.2.3", SeriesInstanceUid = "1.2.3.1", PatientId = patientId },
            "1.2.840.10008.1.2.1", StoredHeader.OfJson("{}"), "00", 0, null);
        var first = Instance("1.2.3.4", "P1");
        var second = Instance("1.2.3.5", "P2");

        // Both pass phase 1 before either is visible: neither sees a stored study.
        var firstTicket = await index.BeginReceiveAsync(first, "first.dcm", cancellationToken);
        var secondTicket = await index.BeginReceiveAsync(second, "second.dcm", cancellationToken);
        Assert.Null(firstTicket.StudyPatient);
        Assert.Null(secondTicket.StudyPatient);
        await index.CompleteReceiveAsync(firstTicket.InstanceId!.Value, first, await objects.PutAsync("first.dcm", new MemoryStream([1, 2, 3]), cancellationToken), cancellationToken);
        var secondObject = await objects.PutAsync("second.dcm", new MemoryStream([4, 5, 6]), cancellationToken);

        var raced = await Assert.ThrowsAsync<StudyPatientConflictException>(() => index.CompleteReceiveAsync(secondTicket.InstanceId!.Value, second, secondObject, cancellationToken));

        Assert.Equal(new PatientIdentity("P1", string.Empty), raced.StudyPatient);
        Assert.Equal(1L, await CountAsync("select count(*) from instances where state = 'stored'"));
        Assert.Equal(1L, await CountAsync("select count(*) from objects"));
        Assert.Equal(1L, await CountAsync("select count(*) from studies s join patients p on p.id = s.patient_fk where s.study_instance_uid = '1.2.3' and p.patient_id = 'P1'"));
        Assert.Equal(new PatientIdentity("P1", string.Empty), (await index.BeginReceiveAsync(Instance("1.2.3.6", "P2"), "third.dcm", cancellationToken)).StudyPatient);
    }

    private (IngestService Service, FileSystemObjectStore Objects) Service(DuplicatePolicy policy)
    {
        var objects = new FileSystemObjectStore(Path.Combine(_folder, "objects"));
        var options = new IngestOptions { SpoolDirectory = Path.Combine(_folder, "spool"), DuplicatePolicy = policy, ReplaceCallingAETitles = new HashSet<string> { "PACS" } };
        return (new IngestService(new PostgresArchiveIndex(_database, "node-a"), objects, TestHeaders.For(_database, options), options, NullLogger<IngestService>.Instance), objects);
    }

    private static async Task<IngestResult> StoreAsync(IngestService service, byte[] file)
    {
        using var input = new MemoryStream(file);
        return await service.StoreFileAsync(input, null, TestContext.Current.CancellationToken);
    }

    /// <summary>The file's data set as a C-STORE from <paramref name="callingAE"/> delivers it (no File Meta Information).</summary>
    private static async Task<IngestResult> CStoreAsync(IngestService service, byte[] file, string callingAE)
    {
        var parsed = DicomFile.Read(new MemoryStream(file));
        using var dataSet = new MemoryStream(Gateway.Dicom.IO.DicomDatasetSerializer.Serialize(parsed.Dataset, parsed.TransferSyntax));
        return await service.StoreDataSetAsync(
            dataSet, parsed.Dataset.GetString(DicomTags.SOPClassUID)!, parsed.Dataset.GetString(DicomTags.SOPInstanceUID)!, parsed.TransferSyntax, callingAE, TestContext.Current.CancellationToken);
    }

    private static byte[] Altered(string path)
    {
        var file = DicomFile.Open(path);
        file.Dataset.SetString(DicomTags.StudyDescription, DicomVR.LO, "ALTERED");
        using var output = new MemoryStream();
        file.Save(output);
        return output.ToArray();
    }

    private async Task<(string State, string Key, string Sha, long Jobs)> RowAsync(string sopInstanceUid)
    {
        await using var command = _database.CreateCommand(
            """
            select i.state, o.object_key, o.sha256, (select count(*) from jobs j where j.instance_fk = i.id)
            from instances i join objects o on o.instance_fk = i.id where i.sop_instance_uid = @uid
            """);
        command.Parameters.AddWithValue("uid", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), $"{sopInstanceUid} is not indexed");
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
