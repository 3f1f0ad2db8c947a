using System.Globalization;
using Gateway.Core.Archive;
using Gateway.Core.Jobs;
using Gateway.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Lifecycle;

/// <summary>
/// One gateway for the lifecycle tests: local admin sign-in, compression on with every instance stored lossless at
/// ingest (originals retired at once, so the lifecycle job's source is the lossless copy), the real models, no
/// workers and no scheduled batches (the test queues one from the console and drains the queue), and two rules:
/// "lossy-40dB" (MR and CT received over 30 days ago: the cheapest of latent, latent+residual, j2k-lossy at 40 dB)
/// and "latent-5y" (CT whose study date is over 5 years old: latent at 30 dB). Real instances: four MR slices, a CT, a
/// CR radiograph; the test sets their receive and study dates in SQL (<see cref="Old"/>).
/// </summary>
public sealed class LifecycleGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string Password = "lifecycle test password 0123456789";

    public const string Lossy = "lossy-40dB";

    public const string Latent = "latent-5y";

    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";
    private const string Ct = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";
    private const string Radiograph = "xray/dicom/fo-dicom__CR-MONO1-10-chest.dcm";

    private GatewayInstance? _gateway;
    private string? _passwordFile;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("the lifecycle gateway did not start");

    /// <summary>SOP Instance UIDs: the MR slices, the CT, the CR.</summary>
    public IReadOnlyList<string> Mr { get; private set; } = [];

    public string CtInstance { get; private set; } = string.Empty;

    public string CrInstance { get; private set; } = string.Empty;

    /// <summary>What the test set: MR slices 0 and 1 and the CT received 40 days ago, the CT's study dated 2015-01-01, the CR received 400 days ago; the rest received now.</summary>
    public IReadOnlyDictionary<string, string> Old => new Dictionary<string, string> { [Mr[0]] = Lossy, [Mr[1]] = Lossy, [CtInstance] = Latent };

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        _passwordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_passwordFile, Password + "\n", cancellationToken);
        _gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Security:LocalAdmin:Enabled"] = "true",
            ["Security:LocalAdmin:InitialPasswordFile"] = _passwordFile,
            ["Compression:Enabled"] = "true",
            ["Compression:RetentionDays"] = "0",
            ["Compression:Rules:0:Action"] = "Lossless",
            ["Lifecycle:Enabled"] = "false",
            ["Lifecycle:Rules:0:Name"] = Lossy,
            ["Lifecycle:Rules:0:AgeDays"] = "30",
            ["Lifecycle:Rules:0:AgeBasis"] = "Received",
            ["Lifecycle:Rules:0:Modalities:0"] = "MR",
            ["Lifecycle:Rules:0:Modalities:1"] = "CT",
            ["Lifecycle:Rules:0:Representations:0"] = "Latent",
            ["Lifecycle:Rules:0:Representations:1"] = "LatentResidual",
            ["Lifecycle:Rules:0:Representations:2"] = "J2kLossy",
            ["Lifecycle:Rules:0:MinPsnr"] = "40",
            ["Lifecycle:Rules:1:Name"] = Latent,
            ["Lifecycle:Rules:1:AgeDays"] = "1826",
            ["Lifecycle:Rules:1:AgeBasis"] = "StudyDate",
            ["Lifecycle:Rules:1:Modalities:0"] = "CT",
            ["Lifecycle:Rules:1:Representations:0"] = "Latent",
            ["Lifecycle:Rules:1:MinPsnr"] = "30",
            ["JobWorkers"] = "0",
        });

        var files = Enumerable.Range(1, 4).Select(n => TestData.RequireSharedData($"{MrFolder}/{n.ToString(CultureInfo.InvariantCulture)}.dcm"))
            .Append(TestData.RequireSharedData(Ct))
            .Append(TestData.RequireSharedData(Radiograph))
            .ToList();
        var ingest = _gateway.Services.GetRequiredService<IngestService>();
        var uids = new List<string>();
        foreach (var path in files)
        {
            await using var stream = File.OpenRead(path);
            var stored = await ingest.StoreFileAsync(stream, null, cancellationToken);
            Assert.Equal(IngestOutcome.Stored, stored.Outcome);
            uids.Add(DicomFile.Open(path).Dataset.GetString(DicomTags.SOPInstanceUID)!);
        }

        (Mr, CtInstance, CrInstance) = (uids[..4], uids[4], uids[5]);
        await DrainAsync();
        await ExecuteAsync($"update instances set received_at = now() - interval '40 days' where sop_instance_uid in ('{Mr[0]}', '{Mr[1]}', '{CtInstance}')");
        await ExecuteAsync($"update instances set received_at = now() - interval '400 days' where sop_instance_uid = '{CrInstance}'");
        await ExecuteAsync($"update studies set study_date = '20150101' where study_instance_uid = (select study_instance_uid from instances where sop_instance_uid = '{CtInstance}')");
        await ExecuteAsync($"update studies set study_date = '19990101' where study_instance_uid = (select study_instance_uid from instances where sop_instance_uid = '{CrInstance}')");
    }

    /// <summary>Runs queued jobs until none is due.</summary>
    public async Task DrainAsync()
    {
        var runner = Gateway.Services.GetRequiredService<JobRunner>();
        for (var ran = 0; await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken); ran++)
        {
            Assert.True(ran < 100, "the queue does not drain");
        }
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Rows of a query, each as its columns' text ("" for null).</summary>
    public Task<List<string[]>> RowsAsync(string sql) => Gateway.RowsAsync(sql);

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_passwordFile is not null)
        {
            File.Delete(_passwordFile);
        }
    }
}
