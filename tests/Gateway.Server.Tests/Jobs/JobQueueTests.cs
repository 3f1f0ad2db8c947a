using System.Collections.Concurrent;
using Gateway.Core.Jobs;
using Gateway.Infrastructure.Postgres.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Gateway.Server.Tests.Jobs;

/// <summary>The PostgreSQL work queue itself: exclusive claims under concurrency, backoff, failure, and re-queueing of abandoned jobs.</summary>
public sealed class JobQueueTests(PostgresCluster cluster) : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await cluster.CreateDatabaseAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Eight_concurrent_workers_claim_every_job_exactly_once()
    {
        const int Jobs = 300;
        var cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteAsync($"insert into jobs (kind) select 'test' from generate_series(1, {Jobs})");
        var queue = new PostgresJobQueue(_database);
        var claims = new ConcurrentBag<(long JobId, string Worker)>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(
            async () =>
            {
                while (await queue.ClaimAsync($"worker-{worker}", ["test"], cancellationToken) is { } job)
                {
                    claims.Add((job.Id, $"worker-{worker}"));
                }
            },
            cancellationToken)));

        Assert.Equal(Jobs, claims.Count);
        Assert.Equal(Jobs, claims.Select(claim => claim.JobId).Distinct().Count());
        Assert.True(claims.Select(claim => claim.Worker).Distinct().Count() > 1, "the claims were spread over several workers");

        // The database agrees: every job running once, locked by the worker that claimed it.
        await using var command = _database.CreateCommand("select id, locked_by, attempts, state from jobs");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var byId = claims.ToDictionary(claim => claim.JobId, claim => claim.Worker);
        while (await reader.ReadAsync(cancellationToken))
        {
            Assert.Equal(byId[reader.GetInt64(0)], reader.GetString(1));
            Assert.Equal(1, reader.GetInt32(2));
            Assert.Equal("running", reader.GetString(3));
        }
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_exponential_backoff_and_failed_after_the_last_attempt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var jobId = await ScalarAsync<long>("insert into jobs (kind) values ('flaky') returning id");
        var options = new JobOptions { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(60), RetryMaxDelay = TimeSpan.FromHours(1) };
        var runner = new JobRunner(new PostgresJobQueue(_database), [new ThrowingHandler()], options, NullLogger<JobRunner>.Instance);

        Assert.True(await runner.RunNextAsync("w", cancellationToken));
        var (state, attempts, delay, error) = await JobAsync(jobId);
        Assert.Equal(("queued", 1), (state, attempts));
        Assert.InRange(delay, 55, 65);
        Assert.Contains("disk on fire", error, StringComparison.Ordinal);

        // Not due yet: nothing to claim.
        Assert.False(await runner.RunNextAsync("w", cancellationToken));

        await ExecuteAsync($"update jobs set run_after = now() where id = {jobId}");
        Assert.True(await runner.RunNextAsync("w", cancellationToken));
        (state, attempts, delay, _) = await JobAsync(jobId);
        Assert.Equal(("queued", 2), (state, attempts));
        Assert.InRange(delay, 115, 125);

        await ExecuteAsync($"update jobs set run_after = now() where id = {jobId}");
        Assert.True(await runner.RunNextAsync("w", cancellationToken));
        (state, attempts, _, error) = await JobAsync(jobId);
        Assert.Equal(("failed", 3), (state, attempts));
        Assert.Contains("disk on fire", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Running_jobs_of_a_restarted_node_and_jobs_claimed_too_long_ago_are_requeued_but_live_ones_are_not()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteAsync("insert into jobs (kind) select 'test' from generate_series(1, 3)");
        var queue = new PostgresJobQueue(_database);
        var restarted = (await queue.ClaimAsync("node-a/1/0", ["test"], cancellationToken))!;
        var stale = (await queue.ClaimAsync("node-b/7/0", ["test"], cancellationToken))!;
        var live = (await queue.ClaimAsync("node-b/7/1", ["test"], cancellationToken))!;
        await ExecuteAsync($"update jobs set locked_at = now() - interval '2 hours' where id = {stale.Id}");

        Assert.Equal(2, await queue.RequeueAbandonedAsync(TimeSpan.FromHours(1), "node-a/", cancellationToken));

        Assert.Equal("queued", (await JobAsync(restarted.Id)).State);
        Assert.Equal("queued", (await JobAsync(stale.Id)).State);
        Assert.Equal("running", (await JobAsync(live.Id)).State);
        var again = await queue.ClaimAsync("node-a/2/0", ["test"], cancellationToken);
        Assert.NotNull(again);
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task Releasing_a_workers_claims_requeues_only_that_workers_running_jobs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await ExecuteAsync("insert into jobs (kind) select 'test' from generate_series(1, 3)");
        var queue = new PostgresJobQueue(_database);
        var lost = (await queue.ClaimAsync("node-a/1/1", ["test"], cancellationToken))!;
        var sameNode = (await queue.ClaimAsync("node-a/1/10", ["test"], cancellationToken))!;
        var otherNode = (await queue.ClaimAsync("node-b/1/1", ["test"], cancellationToken))!;

        Assert.Equal(1, await queue.ReleaseClaimsAsync("node-a/1/1", cancellationToken));

        Assert.Equal("queued", (await JobAsync(lost.Id)).State);
        Assert.Equal("running", (await JobAsync(sameNode.Id)).State);
        Assert.Equal("running", (await JobAsync(otherNode.Id)).State);
        Assert.Equal(0, await queue.ReleaseClaimsAsync("node-a/1/1", cancellationToken));
    }

    [Fact]
    public async Task A_claim_whose_answer_is_lost_is_handed_back_and_run_by_the_same_worker()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var handler = new RecordingHandler();
        var queue = new AnswerLosingQueue(new PostgresJobQueue(_database));
        var runner = new JobRunner(queue, [handler], new JobOptions { PollInterval = TimeSpan.FromMilliseconds(200) }, NullLogger<JobRunner>.Instance);
        await ExecuteAsync("insert into jobs (kind) values ('recorded')");

        var working = runner.RunWorkerAsync("w", new JobSignal(), stop.Token);
        var done = await Task.WhenAny(handler.Ran.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        await stop.CancelAsync();
        await working;

        Assert.Same(handler.Ran.Task, done);
        Assert.True(queue.Lost, "the first claim committed and its answer was thrown away");
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_notify_wakes_an_idle_worker_long_before_its_poll_interval()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var handler = new RecordingHandler();
        var runner = new JobRunner(new PostgresJobQueue(_database), [handler], new JobOptions { PollInterval = TimeSpan.FromMinutes(5) }, NullLogger<JobRunner>.Instance);
        var signal = new JobSignal();
        var listening = new PostgresJobNotifications(_database, NullLogger<PostgresJobNotifications>.Instance).RunAsync(signal, TimeSpan.FromSeconds(1), stop.Token);
        var working = runner.RunWorkerAsync("w", signal, stop.Token);

        // Let the worker find the queue empty and go to sleep, then enqueue the way ingest does.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        await ExecuteAsync("insert into jobs (kind) values ('recorded'); notify gateway_jobs");
        var done = await Task.WhenAny(handler.Ran.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));

        await stop.CancelAsync();
        await Task.WhenAll(working, listening.ContinueWith(_ => { }, TaskScheduler.Default));
        Assert.Same(handler.Ran.Task, done);
    }

    private async Task<(string State, int Attempts, double DueInSeconds, string? Error)> JobAsync(long id)
    {
        await using var command = _database.CreateCommand("select state, attempts, extract(epoch from run_after - now())::float8, last_error from jobs where id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        return (reader.GetString(0), reader.GetInt32(1), reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetString(3));
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

    /// <summary>
    /// The real queue, except that its first claim fails after PostgreSQL committed it, as a connection lost between
    /// the commit and the answer does.
    /// </summary>
    private sealed class AnswerLosingQueue(PostgresJobQueue queue) : IJobQueue
    {
        public bool Lost { get; private set; }

        public async Task<QueuedJob?> ClaimAsync(string workerId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
        {
            var job = await queue.ClaimAsync(workerId, kinds, cancellationToken);
            if (job is not null && !Lost)
            {
                Lost = true;
                throw new NpgsqlException("The connection was lost after the claim committed.");
            }

            return job;
        }

        public Task<bool> RenewAsync(long jobId, string workerId, CancellationToken cancellationToken) => queue.RenewAsync(jobId, workerId, cancellationToken);

        public Task CompleteAsync(long jobId, string workerId, CancellationToken cancellationToken) => queue.CompleteAsync(jobId, workerId, cancellationToken);

        public Task RetryAsync(long jobId, string workerId, DateTimeOffset runAfter, string reason, CancellationToken cancellationToken) => queue.RetryAsync(jobId, workerId, runAfter, reason, cancellationToken);

        public Task FailAsync(long jobId, string workerId, string reason, CancellationToken cancellationToken) => queue.FailAsync(jobId, workerId, reason, cancellationToken);

        public Task<int> RequeueAbandonedAsync(TimeSpan claimedLongerThan, string? deadWorkerPrefix, CancellationToken cancellationToken) =>
            queue.RequeueAbandonedAsync(claimedLongerThan, deadWorkerPrefix, cancellationToken);

        public Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken) => queue.ReleaseClaimsAsync(workerId, cancellationToken);
    }

    private sealed class ThrowingHandler : IJobHandler
    {
        public string Kind => "flaky";

        public Task HandleAsync(QueuedJob job, CancellationToken cancellationToken) => throw new IOException("disk on fire");
    }

    private sealed class RecordingHandler : IJobHandler
    {
        public TaskCompletionSource Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => "recorded";

        public Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
        {
            Ran.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
