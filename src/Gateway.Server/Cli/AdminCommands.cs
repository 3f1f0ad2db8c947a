using System.CommandLine;
using Gateway.Core.Security;
using Gateway.Infrastructure.Postgres;
using Gateway.Server.Hosting;
using Gateway.Server.Security;

namespace Gateway.Server.Cli;

/// <summary>`gateway admin reset-password`: a new password for the local admin account (created when missing).</summary>
internal static class AdminCommands
{
    public static Command Create() => new("admin", "Manage the local admin account of browser sign-in.")
    {
        ResetPasswordCommand(),
    };

    private static Command ResetPasswordCommand()
    {
        var data = new Option<string?>("--data") { Description = "Data folder (default ./data) of a stopped gateway with the embedded PostgreSQL." };
        var postgres = new Option<string?>("--postgres") { Description = "The gateway's PostgreSQL (Npgsql connection string) instead of the embedded one." };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "Read the new password from this file instead of making a random one (printed)." };
        var command = new Command("reset-password", "Set a new password for the local admin account; a random one is printed once.")
        {
            data, postgres, passwordFile,
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

            var file = result.GetValue(passwordFile);
            var password = file is null ? PasswordHash.GeneratePassword() : (await File.ReadAllTextAsync(file.FullName, cancellationToken)).TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                await Console.Error.WriteLineAsync($"error: {file!.FullName} is empty.");
                return 1;
            }

            // The gateway's own services, not its listeners: PostgreSQL (embedded or not), migrations, the accounts table.
            await using var app = GatewayHost.Build(overrides);
            var database = app.Services.GetRequiredService<DatabaseHost>();
            await database.StartAsync(cancellationToken);
            await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
            await app.Services.GetRequiredService<ILocalAccountStore>().SetPasswordAsync(LocalAdminOptions.UserName, PasswordHash.Create(password), cancellationToken);
            Console.WriteLine(file is null
                ? $"New password of {LocalAdminOptions.UserName}: {password}"
                : $"Password of {LocalAdminOptions.UserName} set from {file.FullName}.");
            return 0;
        });
        return command;
    }
}
