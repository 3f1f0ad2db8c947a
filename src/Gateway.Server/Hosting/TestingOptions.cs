using System.ComponentModel.DataAnnotations;
using Gateway.Core.Jobs;

namespace Gateway.Server.Hosting;

/// <summary>
/// Section Gateway:Testing, for crash tests only: <see cref="KillAt"/> names a crash point (<see cref="CrashPoint"/>)
/// at which the process kills itself with SIGKILL. Unset (the default) nothing is armed; set, the gateway refuses to
/// start unless its environment (DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT) is <see cref="EnvironmentName"/>, so a
/// stray setting cannot arm it in production.
/// </summary>
public sealed class TestingOptions
{
    public const string SectionName = "Gateway:Testing";

    /// <summary>The only host environment in which a crash point may be armed.</summary>
    public const string EnvironmentName = "Testing";

    /// <summary>The crash point to kill the process at (candidate-written, choice-recorded, retire-original, backfill-swapped); null: none.</summary>
    public string? KillAt { get; set; }

    /// <summary>Kill the process the Nth time the point is reached (counted over all jobs of this process).</summary>
    [Range(1, int.MaxValue)]
    public int KillAtCount { get; set; } = 1;
}
