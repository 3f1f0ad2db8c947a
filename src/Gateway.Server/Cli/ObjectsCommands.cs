using System.CommandLine;
using Gateway.Infrastructure.Postgres;
using Gateway.Infrastructure.Storage;
using Gateway.Infrastructure.Storage.S3;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Cli;

/// <summary>`gateway objects migrate --to s3`: the objects folder copied into the configured S3 bucket, verified, resumable.</summary>
internal static class ObjectsCommands
{
    public static Command Create() => new("objects", "Manage the object store.")
    {
        MigrateCommand(),
    };

    private static Command MigrateCommand()
    {
        var to = new Option<string>("--to") { Description = "The target store: s3 (the bucket Gateway:ObjectStore:S3 names).", Required = true };
        to.AcceptOnlyFromAmong("s3");
        var data = new Option<string?>("--data") { Description = "Data folder (default ./data) whose objects folder is copied; with the embedded PostgreSQL the gateway must be stopped." };
        var postgres = new Option<string?>("--postgres") { Description = "The gateway's PostgreSQL (Npgsql connection string) instead of the embedded one." };
        var progress = new Option<string?>("--progress") { Description = "Progress file (default DATA/objects-to-s3-BUCKET.progress): the keys copied and verified, skipped by the next run." };
        var command = new Command("migrate", "Copy every indexed object from the objects folder into the S3 bucket, checking each SHA-256; a second run resumes.")
        {
            to, data, postgres, progress,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(data) is { } folder)
            {
                overrides[GatewayOptions.SectionName + ":DataDirectory"] = folder;
            }

            if (result.GetValue(postgres) is { } connectionString)
            {
                overrides[GatewayOptions.SectionName + ":Postgres"] = connectionString;
            }

            await using var app = GatewayHost.Build(overrides);
            var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var bucket = app.Services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value.S3;
            if (string.IsNullOrWhiteSpace(bucket.Bucket))
            {
                await Console.Error.WriteLineAsync($"error: set {ObjectStoreOptions.SectionName}:S3:Bucket (and ServiceUrl, credentials) to the target bucket first.");
                return 2;
            }

            var database = app.Services.GetRequiredService<DatabaseHost>();
            await database.StartAsync(cancellationToken);
            await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
            using var target = new S3ObjectStore(S3Clients.Create(bucket), bucket);
            await target.CheckBucketAsync(cancellationToken);
            var progressFile = result.GetValue(progress) ?? Path.Combine(gateway.DataDirectory, $"objects-to-s3-{bucket.Bucket}.progress");
            var migration = new ObjectStoreMigration(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                new FileSystemObjectStore(gateway.ObjectsDirectory),
                target,
                progressFile,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Objects.Migrate"));
            var report = await migration.RunAsync(cancellationToken);
            Console.WriteLine(
                $"{report.Copied} objects ({report.CopiedBytes} bytes) copied to s3://{bucket.Bucket}/{bucket.Prefix} and verified, {report.Skipped} copied by an earlier run, {report.Failed.Count} failed (progress: {progressFile}).");
            foreach (var failure in report.Failed)
            {
                await Console.Error.WriteLineAsync("failed: " + failure);
            }

            return report.Failed.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
