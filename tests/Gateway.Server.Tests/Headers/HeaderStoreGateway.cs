using System.Globalization;
using System.Text.Json;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Infrastructure.Postgres.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Headers;

/// <summary>
/// A gateway (compression off, so nothing but ingest touches the headers) for the header store's tests: sends
/// files with storescu, reads what the index holds, and rebuilds instances from the stored headers alone.
/// </summary>
internal sealed class HeaderStoreGateway(GatewayInstance gateway) : IAsyncDisposable
{
    public GatewayInstance Gateway { get; private set; } = gateway;

    public ArchiveProbe Probe => new(Gateway.ConnectionString, Gateway.DataDirectory);

    /// <summary>Starts it; <paramref name="settings"/> are extra settings of the Gateway section (e.g. compression on, workers off).</summary>
    public static async Task<HeaderStoreGateway> StartAsync(PostgresCluster cluster, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await GatewayInstance.StartAsync(cluster, settings));

    /// <summary>Runs due jobs until none is left (for a gateway started with JobWorkers 0); returns how many ran.</summary>
    public async Task<int> DrainAsync()
    {
        var runner = Gateway.Services.GetRequiredService<Gateway.Core.Jobs.JobRunner>();
        var ran = 0;
        while (await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken))
        {
            Assert.True(++ran < 100, "the queue does not drain");
        }

        return ran;
    }

    /// <summary>Sends <paramref name="files"/> over <paramref name="associations"/> storescu processes at once.</summary>
    public async Task StoreAsync(IReadOnlyList<string> files, int associations = 1)
    {
        var port = Gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        var runs = files
            .Select((file, index) => (file, index))
            .GroupBy(item => item.index % associations, item => item.file)
            .Select(group => Task.Run(() => ExternalTool.Run("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. group], "dcmtk")))
            .ToList();
        foreach (var (exitCode, output, error) in await Task.WhenAll(runs))
        {
            Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
        }
    }

    public async Task RestartAsync() => Gateway = await Gateway.RestartAsync();

    /// <summary>Deletes every object file: the originals are gone, only the index is left.</summary>
    public void DeleteObjects()
    {
        foreach (var path in Probe.ObjectFiles())
        {
            File.Delete(path);
        }
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The stored header of every instance, by SOP Instance UID.</summary>
    public async Task<Dictionary<string, StoredHeader>> StoredHeadersAsync()
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand($"select i.sop_instance_uid, {StoredHeaderColumns.Select} from instances i");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var headers = new Dictionary<string, StoredHeader>(StringComparer.Ordinal);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            headers[reader.GetString(0)] = StoredHeaderColumns.Read(reader, 1);
        }

        return headers;
    }

    /// <summary>
    /// Writes into <paramref name="folder"/>, for each of <paramref name="sent"/>, the instance rebuilt from the
    /// header the gateway's header store decodes and the sent file's pixel data, in the sent file's transfer syntax.
    /// </summary>
    public async Task RebuildAsync(IReadOnlyList<string> sent, string folder)
    {
        var headers = Gateway.Services.GetRequiredService<InstanceHeaders>();
        var stored = await StoredHeadersAsync();
        foreach (var path in sent)
        {
            var original = DicomFile.Open(path);
            var uid = original.Dataset.GetString(DicomTags.SOPInstanceUID)!;
            var header = await headers.ReadAsync(stored[uid], uid, TestContext.Current.CancellationToken);
            var rebuilt = new DicomFile(HeaderContent.Rebuild(header, original.Dataset), original.TransferSyntax);
            rebuilt.Save(Path.Combine(folder, uid + ".dcm"));
        }
    }

    /// <summary>pydicom: every element (but the pixel data) of each file of <paramref name="sentFolder"/> is in its rebuilt file of <paramref name="rebuiltFolder"/> with the same VR and value, and nothing else.</summary>
    public static void AssertSameElements(string sentFolder, string rebuiltFolder, int expectedFiles)
    {
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, [Oracle, "compare-dirs", sentFolder, rebuiltFolder], "python3-pydicom");
        using var report = JsonDocument.Parse(output.Trim());
        Assert.Equal(expectedFiles, report.RootElement.GetProperty("files").GetInt32());
        foreach (var list in new[] { "missing", "differ", "extra" })
        {
            var paths = report.RootElement.GetProperty(list).EnumerateArray().Select(item => item.GetString()).ToList();
            Assert.True(paths.Count == 0, $"{list}: {string.Join(", ", paths.Take(20))}");
        }
    }

    public static string Oracle => Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "header_elements_oracle.py");

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
