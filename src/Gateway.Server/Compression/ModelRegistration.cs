using Gateway.Core.Compression;
using Gateway.Infrastructure.Postgres.Compression;
using Npgsql;

namespace Gateway.Server.Compression;

/// <summary>
/// At start-up (after migrations), when compression is on: loads the latent engine and records its models in
/// PostgreSQL's models table, which latent objects reference. A model the policy names (the default model of its
/// latent rules, or a rule's own) that the engine lacks makes the gateway not ready (<see cref="Problem"/>): it would
/// store those instances lossless.
/// </summary>
public sealed partial class ModelRegistration(NpgsqlDataSource dataSource, CompressionOptions options, ILatentEngine engine, ILogger<ModelRegistration> logger) : IHostedService
{
    /// <summary>Which models of the policy are missing, and where they were looked for; null when none is.</summary>
    public string? Problem { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var missing = PolicyModels().Except(engine.Models.Select(model => model.Id), StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            Problem = $"the compression policy's model {string.Join(", ", missing)} is not loaded (models loaded: {(engine.Models.Count == 0 ? "none" : string.Join(", ", engine.Models.Select(model => model.Id)))}; "
                + "see the start-up log, and set Gateway:Models:Directory to the onnx-models folder): latent rules store lossless";
            Log.ModelsMissing(logger, Problem);
        }

        if (engine.Models.Count == 0)
        {
            Log.NoEngine(logger);
            return;
        }

        var conflicts = await new PostgresModelCatalog(dataSource).RegisterAsync(engine.Models, cancellationToken).ConfigureAwait(false);
        foreach (var id in conflicts)
        {
            Log.Sha256Changed(logger, id);
        }

        var names = string.Join(", ", engine.Models.Select(model => model.Id));
        Log.Registered(logger, engine.Models.Count, names);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The 2D models the lossy rules in effect (the configured ones, else the defaults) encode with; a Latent3D rule's
    /// per-instance path uses the default model (its 3D model is checked when the series job first uses it).
    /// </summary>
    private IEnumerable<string> PolicyModels() =>
        (options.Rules.Count > 0 ? options.Rules : CompressionPolicy.DefaultRules)
            .Select(rule => (Rule: rule, Kind: rule.Action ?? (rule.Representations.Any(representation => representation != Representation.Lossless) ? CompressionActionKind.Latent : CompressionActionKind.Lossless)))
            .Where(entry => entry.Kind is CompressionActionKind.Latent or CompressionActionKind.Latent3D)
            .Select(entry => entry.Kind == CompressionActionKind.Latent3D ? options.DefaultModel : entry.Rule.Model ?? options.DefaultModel)
            .Distinct(StringComparer.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2700, Level = LogLevel.Information, Message = "{Count} latent models registered: {Models}")]
        public static partial void Registered(ILogger logger, int count, string models);

        [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "No latent engine is configured: latent rules store instances lossless")]
        public static partial void NoEngine(ILogger logger);

        [LoggerMessage(EventId = 2702, Level = LogLevel.Error, Message = "Model {ModelId} has other weights (sha256) than the ones its stored latents were made with; its record is kept as it was")]
        public static partial void Sha256Changed(ILogger logger, string modelId);

        [LoggerMessage(EventId = 7423, Level = LogLevel.Error, Message = "Compression is degraded: {Problem}")]
        public static partial void ModelsMissing(ILogger logger, string problem);
    }
}
