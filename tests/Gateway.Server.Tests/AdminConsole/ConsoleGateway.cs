using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Jobs;
using Gateway.Core.Security;
using Gateway.Dicom;
using Gateway.Server.Security;
using Gateway.Server.Tests.DicomWeb.Stow;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>
/// One gateway for the console's browser tests: local admin sign-in on (a known initial password), compression on
/// with the real models (CR lossless, CT and MR latent where the target is met), originals kept 30 days, and real instances: MR slices by STOW-RS, a CT by DCMTK's storescu, a MONOCHROME1 CR
/// radiograph through IngestService (it has no File Meta Information, which storescu needs). Their jobs ran; two MR
/// slices whose stored originals were damaged (checksum kept consistent, so the parse is what fails) left failed
/// compress jobs. A viewer's API key is there for the 403 check.
/// </summary>
public sealed class ConsoleGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string Password = "console test password 0123456789";

    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";
    private const string Ct = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";
    private const string Radiograph = "xray/dicom/fo-dicom__CR-MONO1-10-chest.dcm";

    private GatewayInstance? _gateway;
    private string? _passwordFile;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("the console gateway did not start");

    public string ViewerKey { get; private set; } = string.Empty;

    /// <summary>The SOP Instance UIDs whose compress jobs failed.</summary>
    public IReadOnlyList<string> Damaged { get; private set; } = [];

    /// <summary>The CT (compressed lossy) and the CR (compressed lossless) as (study, series, instance).</summary>
    public (string Study, string Series, string Instance) LossyCt { get; private set; }

    public (string Study, string Series, string Instance) LosslessCr { get; private set; }

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
            ["Compression:RetentionDays"] = "30",
            ["Compression:Rules:0:Modalities:0"] = "CR",
            ["Compression:Rules:0:Action"] = "Lossless",
            ["Compression:Rules:1:Modalities:0"] = "CT",
            ["Compression:Rules:1:Modalities:1"] = "MR",
            ["Compression:Rules:1:Action"] = "Latent",
            ["JobWorkers"] = "0",
        });

        var keys = _gateway.Services.GetRequiredService<IApiKeyStore>();
        ViewerKey = await AddKeyAsync(keys, "console-test-viewer", [GatewayRoles.Viewer]);
        var uploader = await AddKeyAsync(keys, "console-test-uploader", [GatewayRoles.Uploader]);

        var mr = Enumerable.Range(1, 5).Select(n => TestData.RequireSharedData($"{MrFolder}/{n.ToString(CultureInfo.InvariantCulture)}.dcm")).ToArray();
        using (var content = new ByteArrayContent(MultipartBody.OfFiles(mr)))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = content };
            request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, uploader);
            using var response = await _gateway.Http.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", _gateway.DicomPort.ToString(CultureInfo.InvariantCulture), TestData.RequireSharedData(Ct)], "dcmtk");
        await using (var stream = File.OpenRead(TestData.RequireSharedData(Radiograph)))
        {
            var stored = await _gateway.Services.GetRequiredService<IngestService>().StoreFileAsync(stream, null, cancellationToken);
            Assert.Equal(IngestOutcome.Stored, stored.Outcome);
        }

        LossyCt = Uids(TestData.RequireSharedData(Ct));
        LosslessCr = Uids(TestData.RequireSharedData(Radiograph));
        Damaged = [.. mr[3..].Select(file => DicomFile.Open(file).Dataset.GetString(DicomTags.SOPInstanceUID)!)];
        foreach (var uid in Damaged)
        {
            await DamageOriginalAsync(uid);
        }

        var runner = _gateway.Services.GetRequiredService<JobRunner>();
        for (var ran = 0; await runner.RunNextAsync("test/0", cancellationToken); ran++)
        {
            Assert.True(ran < 100, "the queue does not drain");
        }
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
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

    private static (string, string, string) Uids(string file)
    {
        var dataset = DicomFile.Open(file).Dataset;
        return (dataset.GetString(DicomTags.StudyInstanceUID)!, dataset.GetString(DicomTags.SeriesInstanceUID)!, dataset.GetString(DicomTags.SOPInstanceUID)!);
    }

    private static async Task<string> AddKeyAsync(IApiKeyStore keys, string name, IReadOnlyList<string> roles)
    {
        var key = ApiKeySecret.Generate();
        await keys.AddAsync(name, ApiKeySecret.PrefixOf(key), ApiKeySecret.Hash(key), roles, "console tests", TestContext.Current.CancellationToken);
        return key;
    }

    /// <summary>Cuts the last 1000 bytes off the instance's stored original and records the cut bytes' checksum and size.</summary>
    private async Task DamageOriginalAsync(string sopInstanceUid)
    {
        var probe = new ArchiveProbe(Gateway.ConnectionString, Gateway.DataDirectory);
        var found = await probe.FindAsync(sopInstanceUid) ?? throw new InvalidOperationException($"{sopInstanceUid} is not stored");
        var path = probe.ObjectPath(found.Key!);
        var bytes = (await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken))[..^1000];
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand("update objects set sha256 = @sha, size_bytes = @size where object_key = @key");
        command.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(bytes)));
        command.Parameters.AddWithValue("size", (long)bytes.Length);
        command.Parameters.AddWithValue("key", found.Key!);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
