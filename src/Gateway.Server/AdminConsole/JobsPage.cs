using System.Globalization;
using Gateway.Core.Jobs;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Statistics;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's jobs page: jobs per kind and state (the counts /api/stats reports), the queue's progress per kind
/// (<see cref="QueueDrainTable"/>), then the jobs not done with their
/// reasons, a retry button on failed ones and a cancel button on queued and failed ones (POST forms with antiforgery).
/// </summary>
internal static class JobsPage
{
    public const int MaxListed = 200;

    private static readonly string[] States = ["queued", "running", "failed", "done"];

    public static string Render(ArchiveStatistics stats, IReadOnlyList<KindDrain> drains, IReadOnlyList<JobListing> jobs, AntiforgeryTokenSet tokens, string? notice)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(jobs);
        var byKind = stats.Jobs.GroupBy(job => job.Kind).OrderBy(group => group.Key, StringComparer.Ordinal);
        var counts = Table(
            "Jobs per kind and state",
            ["Kind", .. States, "failed, last 24 h"],
            byKind.Select(group => (IReadOnlyList<string>)
            [
                Encode(group.Key),
                .. States.Select(state => CountFigure($"queue.byKind.{group.Key}.{state}", group.Where(job => job.State == state).Sum(job => job.Count))),
                CountFigure($"queue.failedLast24Hours.{group.Key}", stats.Activity.FailedLast24Hours.GetValueOrDefault(group.Key)),
            ]),
            "jobs-by-kind");
        var list = Table(
            jobs.Count == MaxListed ? $"Jobs not done (the first {MaxListed.ToString(CultureInfo.InvariantCulture)}: failed, running, then queued)" : "Jobs not done",
            ["Job", "Kind", "State", "Instance", "Attempts", "Due / claimed / failed", "Reason", "Action"],
            jobs.Select(job => Row(job, tokens)),
            "jobs");
        var message = notice is null ? string.Empty : $"<p class=\"notice\" role=\"status\">{Encode(notice)}</p>";
        return message + counts + QueueDrainTable.Render(drains) + list +
            "<p class=\"note\">Retry queues a failed job again with a fresh count of attempts. Cancel removes a queued or failed job; its instance stays as it is " +
            "(a cancelled compress job leaves the instance stored as received). A running job belongs to its worker.</p>";
    }

    private static IReadOnlyList<string> Row(JobListing job, AntiforgeryTokenSet tokens)
    {
        var id = job.Id.ToString(CultureInfo.InvariantCulture);
        var when = job.State switch
        {
            "running" => $"claimed {Time(job.LockedAt)} by {job.LockedBy}",
            "failed" => $"failed {Time(job.FinishedAt)}",
            _ => $"due {Time(job.RunAfter)}",
        };
        var actions = (job.State == "failed" ? Button(id, "retry", "Retry", tokens) : string.Empty)
            + (job.State is "failed" or "queued" ? Button(id, "cancel", "Cancel", tokens) : string.Empty);
        return
        [
            $"<span data-job=\"{id}\">{id}</span>",
            Encode(job.Kind),
            $"<span data-job-state=\"{id}\">{Encode(job.State)}</span>",
            $"<span class=\"uid\">{Encode(job.SopInstanceUid ?? "-")}</span>",
            job.Attempts.ToString(CultureInfo.InvariantCulture),
            Encode(when),
            $"<div class=\"reason\">{Encode(job.LastError ?? "-")}</div>",
            actions,
        ];
    }

    private static string Button(string id, string action, string label, AntiforgeryTokenSet tokens) =>
        $"<form method=\"post\" action=\"{ConsoleEndpoints.Root}/jobs/{id}/{action}\">{ConsolePage.Token(tokens)}<button type=\"submit\" name=\"job\" value=\"{id}\" data-action=\"{action}\">{label}</button></form>";
}
