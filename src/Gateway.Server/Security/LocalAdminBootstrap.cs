using Gateway.Core.Security;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// At start-up (after migrations), with the local admin account on: creates the account the first time, with the
/// password of Gateway:Security:LocalAdmin:InitialPasswordFile or a random one logged this once; later starts leave it.
/// </summary>
public sealed partial class LocalAdminBootstrap(IOptions<SecurityOptions> options, ILocalAccountStore accounts, ILogger<LocalAdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.LocalAdmin;
        if (!settings.Enabled || await accounts.FindAsync(LocalAdminOptions.UserName, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var fromFile = !string.IsNullOrWhiteSpace(settings.InitialPasswordFile);
        var password = fromFile
            ? (await File.ReadAllTextAsync(settings.InitialPasswordFile!, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n')
            : PasswordHash.GeneratePassword();
        if (password.Length == 0)
        {
            throw new InvalidOperationException($"Gateway:Security:LocalAdmin:InitialPasswordFile {settings.InitialPasswordFile} is empty.");
        }

        // Another node sharing the database may have created it meanwhile; then its password stands and is not logged here.
        if (!await accounts.AddIfMissingAsync(LocalAdminOptions.UserName, PasswordHash.Create(password), cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (fromFile)
        {
            Log.CreatedFromFile(logger, LocalAdminOptions.UserName, settings.InitialPasswordFile!);
        }
        else
        {
            Log.Created(logger, LocalAdminOptions.UserName, password);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7820, Level = LogLevel.Warning, Message = "Local admin account created: sign in at /login as {User} with password {Password} (shown this once; change it with `gateway admin reset-password`)")]
        public static partial void Created(ILogger logger, string user, string password);

        [LoggerMessage(EventId = 7821, Level = LogLevel.Information, Message = "Local admin account created: sign in at /login as {User} with the password of {File}")]
        public static partial void CreatedFromFile(ILogger logger, string user, string file);
    }
}
