namespace Gateway.Core.Jobs;

/// <summary>A job a worker has claimed: its kind, the instance (or, for the series job, the series) it works on, and which attempt this is (1 for the first).</summary>
public sealed record QueuedJob(long Id, string Kind, long? InstanceId, int Attempt, long? SeriesId);
