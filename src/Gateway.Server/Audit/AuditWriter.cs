using System.Threading.Channels;
using Gateway.Core.Audit;
using Gateway.Server.Audit.Syslog;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gateway.Server.Audit;

/// <summary>
/// The audit trail: <see cref="Record"/> queues an event (a bounded channel, so requests never wait for the
/// database); this service writes the queue to audit_events in batches, then sends each event to syslog when that is
/// configured. A full queue drops events, but never silently: the first drop and the count are logged. The database
/// being away is waited out (retried every second); events it refuses as invalid are logged by count.
/// </summary>
public sealed partial class AuditWriter : BackgroundService, IAuditTrail
{
    private const int BatchSize = 500;

    private readonly Channel<AuditEvent> _queue;
    private readonly IAuditStore _store;
    private readonly AuditSyslogSender _syslog;
    private readonly ILogger<AuditWriter> _logger;
    private long _dropped;

    public AuditWriter(IAuditStore store, IOptions<AuditOptions> options, AuditSyslogSender syslog, ILogger<AuditWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _syslog = syslog;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public void Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (!_queue.Writer.TryWrite(auditEvent) && Interlocked.Increment(ref _dropped) == 1)
        {
            Log.QueueFull(_logger, auditEvent.Action);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var left = new List<AuditEvent>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                left = Take(reader);
                await AppendWithRetriesAsync(left, stoppingToken).ConfigureAwait(false);
                var written = left;
                left = [];
                if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
                {
                    Log.Dropped(_logger, dropped);
                }

                await SendAsync(written, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (stoppingToken.IsCancellationRequested && exception is OperationCanceledException or NpgsqlException)
        {
            // Stopping: the batch not yet written and what is still queued are written, once, below.
        }

        while (reader.TryRead(out var auditEvent))
        {
            left.Add(auditEvent);
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await AppendAsync(left, timeout.Token).ConfigureAwait(false);
            await SendAsync(left, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            Log.LeftUnwritten(_logger, left.Count, exception.Message);
        }
    }

    private static List<AuditEvent> Take(ChannelReader<AuditEvent> reader)
    {
        var batch = new List<AuditEvent>();
        while (batch.Count < BatchSize && reader.TryRead(out var auditEvent))
        {
            batch.Add(auditEvent);
        }

        return batch;
    }

    /// <summary>Writes a batch, waiting out a database that is away; a batch it refuses as invalid is reported and left.</summary>
    private async Task AppendWithRetriesAsync(List<AuditEvent> batch, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await AppendAsync(batch, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                // Invalid data is refused again on every try: report it and go on.
                Log.Refused(_logger, batch.Count, exception.SqlState, exception.MessageText);
                return;
            }
            catch (NpgsqlException exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.WriteFailed(_logger, batch.Count, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private Task AppendAsync(List<AuditEvent> batch, CancellationToken cancellationToken) => _store.AppendAsync(batch, cancellationToken);

    private Task SendAsync(List<AuditEvent> batch, CancellationToken cancellationToken) =>
        !_syslog.Enabled || batch.Count == 0 ? Task.CompletedTask : _syslog.SendAsync(batch, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7740, Level = LogLevel.Warning, Message = "The audit queue is full (the database does not keep up): audit events are being dropped, from a {Action} on; the count follows once it drains")]
        public static partial void QueueFull(ILogger logger, string action);

        [LoggerMessage(EventId = 7741, Level = LogLevel.Warning, Message = "{Count} audit events were dropped while the audit queue was full")]
        public static partial void Dropped(ILogger logger, long count);

        [LoggerMessage(EventId = 7742, Level = LogLevel.Warning, Message = "Could not write {Count} audit events ({Reason}); trying again in a second")]
        public static partial void WriteFailed(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = 7743, Level = LogLevel.Error, Message = "The database refused {Count} audit events ({SqlState}: {Reason}); they are not kept")]
        public static partial void Refused(ILogger logger, int count, string sqlState, string reason);

        [LoggerMessage(EventId = 7744, Level = LogLevel.Error, Message = "{Count} audit events queued at shutdown could not be written: {Reason}")]
        public static partial void LeftUnwritten(ILogger logger, int count, string reason);
    }
}
