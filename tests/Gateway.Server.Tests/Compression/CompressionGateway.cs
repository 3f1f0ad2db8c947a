using System.Net;
using Gateway.Core.Jobs;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Stow;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Compression;

/// <summary>A gateway with compression on and no background workers: tests store instances and run its jobs one by one.</summary>
internal sealed class CompressionGateway : IAsyncDisposable
{
    private CompressionGateway(GatewayInstance gateway) => Gateway = gateway;

    public GatewayInstance Gateway { get; }

    public ArchiveProbe Probe => new(Gateway.ConnectionString, Gateway.DataDirectory);

    /// <summary>Starts it; <paramref name="settings"/> are extra settings of the Gateway section (e.g. "Compression:Rules:0:Action").</summary>
    public static async Task<CompressionGateway> StartAsync(PostgresCluster cluster, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["JobWorkers"] = "0", ["Compression:Enabled"] = "true" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new CompressionGateway(await GatewayInstance.StartAsync(cluster, all));
    }

    /// <summary>Stores files by STOW-RS; returns their SOP Instance UIDs.</summary>
    public async Task<IReadOnlyList<string>> StowAsync(params string[] files)
    {
        using var content = new ByteArrayContent(MultipartBody.OfFiles(files));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        using var response = await Gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return files.Select(file => DicomFile.Open(file).Dataset.GetString(DicomTags.SOPInstanceUID)!).ToList();
    }

    /// <summary>The real latent engine the gateway loaded (ONNX Runtime and onnx-models); fails the test saying what is missing.</summary>
    public Gateway.Core.Compression.ILatentEngine RequireEngine()
    {
        var engine = Gateway.Services.GetRequiredService<Gateway.Core.Compression.ILatentEngine>();
        return engine.Models.Count > 0 ? engine : throw new InvalidOperationException("The latent engine did not load (see its log line: ONNX Runtime comes from the NuGet package Microsoft.ML.OnnxRuntime; the models from onnx-models).");
    }

    /// <summary>Runs due jobs until none is left; returns how many ran.</summary>
    public async Task<int> DrainAsync()
    {
        var runner = Gateway.Services.GetRequiredService<JobRunner>();
        var ran = 0;
        while (await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken))
        {
            Assert.True(++ran < 100, "the queue does not drain");
        }

        return ran;
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The instance's state and compression outcome, and its objects as (kind, key, codec, size, sha256).</summary>
    public async Task<(string State, string? Compression, double? Psnr, List<(string Kind, string Key, string Codec, long Size, string Sha256, string? Model)> Objects)> InstanceAsync(string sopInstanceUid)
    {
        await using var database = Gateway.OpenDatabase();
        await using var command = database.CreateCommand(
            """
            select i.state, i.compression, i.psnr, o.kind, o.object_key, o.codec, o.size_bytes, o.sha256, o.model_id
            from instances i left join objects o on o.instance_fk = i.id
            where i.sop_instance_uid = @uid order by o.id
            """);
        command.Parameters.AddWithValue("uid", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), $"{sopInstanceUid} is not indexed");
        var state = reader.GetString(0);
        var compression = reader.IsDBNull(1) ? null : reader.GetString(1);
        double? psnr = reader.IsDBNull(2) ? null : reader.GetDouble(2);
        var objects = new List<(string, string, string, long, string, string?)>();
        do
        {
            if (!reader.IsDBNull(3))
            {
                objects.Add((reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }
        while (await reader.ReadAsync(TestContext.Current.CancellationToken));
        return (state, compression, psnr, objects);
    }

    public ValueTask DisposeAsync() => Gateway.DisposeAsync();
}
