using Microsoft.AspNetCore.Builder;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// A test gateway (no queue workers) whose instances a subclass stores and then keeps in another form than the
/// original; without ../shared/data it starts nothing and the tests skip.
/// </summary>
public abstract class ReconstructionGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string MrSlice = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm";
    public const string CtSlice = "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU/A002304_19001231-076.dcm";

    private GatewayInstance? _gateway;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("Shared data is missing; the tests skip.");

    public static string Shared(string relativePath) => Path.Combine(TestData.SharedData!, relativePath);

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        _gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["JobWorkers"] = "0" }, Configure);
        await PopulateAsync(_gateway);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Adds to the gateway's services before it starts (nothing by default).</summary>
    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    /// <summary>Stores the instances and replaces their originals.</summary>
    protected abstract Task PopulateAsync(GatewayInstance gateway);
}
