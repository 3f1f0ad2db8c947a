namespace Gateway.Core.Jobs;

/// <summary>
/// Test-only crash points: places in the jobs where a crash test (Gateway:Testing:KillAt) has the process killed
/// with SIGKILL, to show that a crash at exactly that moment loses nothing. Nothing is armed unless a test arms it;
/// then <see cref="Reached"/> returns at once everywhere but at the armed point.
/// </summary>
public interface ICrashPoints
{
    /// <summary>Called each time a job passes <paramref name="point"/> (one of <see cref="CrashPoint"/>); never returns when that point is armed and reached for the armed time.</summary>
    void Reached(string point);
}

/// <summary>The crash points of the jobs, by the names Gateway:Testing:KillAt takes.</summary>
public static class CrashPoint
{
    /// <summary>A compress job wrote an object (replacement, header or kept latent), read it back and checked it; nothing is recorded yet.</summary>
    public const string CandidateWritten = "candidate-written";

    /// <summary>A compress job's outcome was committed (the replacement's rows and the retire job); the job is not marked done yet.</summary>
    public const string ChoiceRecorded = "choice-recorded";

    /// <summary>A retire-original job committed the removal of the original's row; its file is not deleted yet.</summary>
    public const string RetireOriginal = "retire-original";

    /// <summary>
    /// A model-backfill job committed the swap of an instance's representation (the new objects' rows in, the old ones'
    /// out); the old objects' files are not deleted yet. (On its path, candidate-written is reached after each new
    /// object is written and checked, before the swap.)
    /// </summary>
    public const string BackfillSwapped = "backfill-swapped";

    public static IReadOnlyList<string> All { get; } = [CandidateWritten, ChoiceRecorded, RetireOriginal, BackfillSwapped];
}
