using System.Diagnostics;
using Gateway.Core.Jobs;
using Gateway.Infrastructure.Postgres.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Jobs;

/// <summary>A running job's lease: renewed while its worker lives, so a long job is never taken away; a lost lease stops the run without settling.</summary>
public sealed class JobLeaseTests(PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1.5);
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_job_running_three_times_its_lease_is_renewed_never_requeued_and_done_once()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteAsync("insert into jobs (kind) values ('slow')");
        var queue = new PostgresJobQueue(_database);
        var runner = new JobRunner(queue, [new SlowHandler(Lease * 3)], new JobOptions { StaleAfter = Lease }, NullLogger<JobRunner>.Instance);

        var running = runner.RunNextAsync("node-a/1/0", cancellationToken);
        var requeued = 0;
        while (!running.IsCompleted)
        {
            // The sweeper of another node, far more eager than the real one (a quarter of the lease).
            requeued += await queue.RequeueAbandonedAsync(Lease, null, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        Assert.True(await running);
        Assert.Equal(0, requeued);
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from jobs"));
        Assert.Equal(1L, await ScalarAsync<long>("select done from job_totals where kind = 'slow'"));
    }

    [Fact]
    public async Task A_worker_whose_job_was_taken_over_stops_within_a_lease_and_leaves_the_job_to_the_new_worker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteAsync("insert into jobs (kind) values ('slow')");
        var handler = new SlowHandler(TimeSpan.FromSeconds(60));
        var runner = new JobRunner(new PostgresJobQueue(_database), [handler], new JobOptions { StaleAfter = Lease }, NullLogger<JobRunner>.Instance);

        var running = runner.RunNextAsync("node-a/1/0", cancellationToken);
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var clock = Stopwatch.StartNew();

        // As if node-a/1/0 had been paused past its lease: the job was re-queued and node-b's worker claimed it.
        await ExecuteAsync("update jobs set locked_by = 'node-b/9/0', locked_at = now()");
        Assert.True(await running.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken));

        Assert.True(handler.Cancelled);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Lease * 2);
        Assert.Equal("running node-b/9/0 1", await ScalarAsync<string>("select state || ' ' || locked_by || ' ' || attempts from jobs"));
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from job_totals"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private sealed class SlowHandler(TimeSpan duration) : IJobHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public string Kind => "slow";

        public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(duration, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
        }
    }
}
