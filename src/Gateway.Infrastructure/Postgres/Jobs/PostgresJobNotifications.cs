using Gateway.Core.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// LISTENs on the jobs channel over a dedicated connection and pulses the workers' signal on every NOTIFY; when
/// the connection drops it reconnects (workers keep polling meanwhile).
/// </summary>
public sealed partial class PostgresJobNotifications(NpgsqlDataSource dataSource, ILogger<PostgresJobNotifications> logger)
{
    /// <summary>Listens until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(JobSignal signal, TimeSpan reconnectDelay, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand($"listen {PostgresArchiveIndex.JobsChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                // Jobs may have been enqueued while nobody listened.
                signal.Pulse();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException or InvalidOperationException)
            {
                Log.ListenLost(logger, exception.Message);
                await Task.Delay(reconnectDelay, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Lost the LISTEN connection for job wake-ups ({Reason}); polling until it is back")]
        public static partial void ListenLost(ILogger logger, string reason);
    }
}
