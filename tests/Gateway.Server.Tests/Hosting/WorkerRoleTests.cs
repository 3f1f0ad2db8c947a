using System.Net;
using System.Net.Sockets;
using Gateway.Compression.Onnx;
using Gateway.Server.Tests.Crash;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Hosting;

/// <summary>
/// The worker role (Gateway:Listeners false, what `gateway worker` sets): health checks and /metrics on its one port
/// and nothing else, no DICOM listener; the settings it cannot work with, and a required CUDA provider that is not
/// there, end its start with the reason.
/// </summary>
public sealed class WorkerRoleTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_worker_answers_health_checks_and_metrics_on_its_port_and_nothing_else()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = GatewayProcess.FreePort();
        var dicomPort = GatewayProcess.FreePort();
        await using var worker = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Listeners"] = "false",
            ["Management:Url"] = $"127.0.0.1:{port}",
            ["DicomPort"] = dicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal([new Uri($"http://127.0.0.1:{port}/")], worker.Addresses);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.Http.GetAsync(new Uri("metrics", UriKind.Relative), cancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.Http.GetAsync(new Uri("dicomweb/studies", UriKind.Relative), cancellationToken)).StatusCode);
        using var dicom = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(async () => await dicom.ConnectAsync(IPAddress.Loopback, dicomPort, cancellationToken));
    }

    [Fact]
    public async Task A_worker_without_queue_workers_is_refused_at_start()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var worker = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Listeners"] = "false",
                ["JobWorkers"] = "0",
                ["Management:Url"] = $"127.0.0.1:{GatewayProcess.FreePort()}",
            });
        });
        Assert.Contains("needs Gateway:JobWorkers above 0", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_required_CUDA_provider_that_is_not_there_ends_the_start_with_the_reason()
    {
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime_providers_cuda.so")))
        {
            Assert.Skip("the CUDA build of ONNX Runtime is here; the refusal cannot be shown");
        }

        var refused = await Assert.ThrowsAsync<CudaUnavailableException>(async () =>
        {
            await using var worker = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Compression:Enabled"] = "true",
                ["Models:Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
                ["Onnx:ExecutionProvider"] = "Cuda",
            });
        });
        Assert.Contains("ExecutionProvider is Cuda", refused.Message, StringComparison.Ordinal);
    }
}
