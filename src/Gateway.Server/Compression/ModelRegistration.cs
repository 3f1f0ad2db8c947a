using Gateway.Core.Compression;
using Gateway.Infrastructure.Postgres.Compression;
using Npgsql;

namespace Gateway.Server.Compression;

/// <summary>
/// At start-up (after migrations), when compression is on: loads the latent engine and records its models in
/// PostgreSQL's models table, which latent objects reference.
/// </summary>
public sealed partial class ModelRegistration(NpgsqlDataSource dataSource, CompressionOptions options, ILatentEngine engine, ILogger<ModelRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return;
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2700, Level = LogLevel.Information, Message = "{Count} latent models registered: {Models}")]
        public static partial void Registered(ILogger logger, int count, string models);

        [LoggerMessage(EventId = 2701, Level = LogLevel.Warning, Message = "No latent engine is configured: latent rules store instances lossless")]
        public static partial void NoEngine(ILogger logger);

        [LoggerMessage(EventId = 2702, Level = LogLevel.Error, Message = "Model {ModelId} has other weights (sha256) than the ones its stored latents were made with; its record is kept as it was")]
        public static partial void Sha256Changed(ILogger logger, string modelId);
    }
}
