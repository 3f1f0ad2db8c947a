using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Core.Audit;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// Audit writes never make a request wait: while the database does not take them (here the table is locked by the
/// test) the queue fills, and what does not fit is dropped, but said in the log (7740 at the first drop, 7741 with
/// the count once the database takes rows again), so every event is either a row or counted.
/// </summary>
public sealed partial class AuditQueueTests(PostgresCluster cluster)
{
    private const int Events = 700;

    [Fact]
    public async Task Events_that_do_not_fit_the_queue_are_counted_in_the_log_and_the_rest_are_written()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Audit:QueueCapacity"] = "100" }, builder => builder.Logging.AddProvider(logs));
        var trail = gateway.Services.GetRequiredService<IAuditTrail>();
        var cancellationToken = TestContext.Current.CancellationToken;

        await using var database = gateway.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var lockTable = connection.CreateCommand())
            {
                lockTable.CommandText = "lock table audit_events in access exclusive mode";
                await lockTable.ExecuteNonQueryAsync(cancellationToken);
            }

            // At most one batch (500) is in the writer's hands and 100 are queued: at least 100 of 700 do not fit.
            for (var i = 0; i < Events; i++)
            {
                trail.Record(new AuditEvent(DateTimeOffset.UtcNow, AuditAction.Query, AuditOutcome.Success, new AuditActor(AuditActorKind.ApplicationEntity, "FLOOD", null, "127.0.0.1"), Detail: i.ToString(CultureInfo.InvariantCulture)));
            }

            Assert.Equal(1, logs.Count(7740));
            Assert.Equal(0, logs.Count(7741));
            await transaction.RollbackAsync(cancellationToken);
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (logs.Count(7741) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }

        var dropped = long.Parse(DroppedCount().Match(Assert.Single(logs.Entries, entry => entry.EventId == 7741).Message).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(dropped, 100, Events - 100);
        var rows = await AuditRows.WaitAsync(gateway, rows => rows.Count >= Events - dropped);
        Assert.Equal(Events - dropped, rows.Count);
        Assert.All(rows, row => Assert.Equal("FLOOD", row.ActorId));
    }

    [GeneratedRegex(@"^(\d+) audit events were dropped")]
    private static partial Regex DroppedCount();
}
