namespace Gateway.Core.Jobs;

/// <summary>Wakes idle workers when a job may be due (a NOTIFY arrived), or lets them sleep until a poll interval passes.</summary>
public sealed class JobSignal
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every worker waiting now.</summary>
    public void Pulse() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next pulse. Take it before looking for work, so a pulse during the look is not missed.</summary>
    public Task NextPulse => Volatile.Read(ref _pulse).Task;

    /// <summary>Waits for <paramref name="pulse"/> (a <see cref="NextPulse"/>) or <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task pulse, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pulse);
        try
        {
            await pulse.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The poll interval passed: look for due jobs anyway.
        }
    }
}
