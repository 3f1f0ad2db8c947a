using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Admin.Figures;

/// <summary>
/// How fresh the whole-archive figures must be (section "Gateway:Console"; docs/console.md, "How fresh the figures are").
/// </summary>
public sealed class FiguresOptions
{
    public const string SectionName = "Gateway:Console";

    /// <summary>
    /// Seconds for which figures computed before the archive last changed may still be served (labelled with their
    /// time) while newer ones are computed in the background; 0: a page after a change waits for new figures.
    /// </summary>
    [Range(0, 86_400)]
    public double FiguresMaxAgeSeconds { get; set; } = 30;

    public TimeSpan FiguresMaxAge => TimeSpan.FromSeconds(FiguresMaxAgeSeconds);
}
