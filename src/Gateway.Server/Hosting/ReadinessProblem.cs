namespace Gateway.Server.Hosting;

/// <summary>
/// Why the gateway is not ready: <paramref name="Key"/> names the kind (logged once while it lasts), <paramref name="Reason"/>
/// says it in words; <paramref name="BlocksStorage"/> when instances cannot be stored (the DICOM listener then refuses
/// associations), not when only compression is degraded.
/// </summary>
public sealed record ReadinessProblem(string Key, string Reason, bool BlocksStorage);

/// <summary>The outcome of one readiness check: ready when there is no problem.</summary>
public sealed record ReadinessReport(IReadOnlyList<ReadinessProblem> Problems)
{
    public bool IsReady => Problems.Count == 0;

    /// <summary>Whether instances can be stored (no problem that blocks storage).</summary>
    public bool CanStore => !Problems.Any(problem => problem.BlocksStorage);

    public string Summary => string.Join("; ", Problems.Select(problem => problem.Reason));
}
