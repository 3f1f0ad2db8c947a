using Gateway.Core.Jobs;

namespace Gateway.Server.Tests.Crash;

/// <summary>
/// The test-only crash points (Gateway:Testing:KillAt) cannot be armed by accident: outside the Testing environment,
/// or naming no known point, `gateway serve` refuses to start and says why.
/// </summary>
public sealed class CrashPointSettingsTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData("Production", CrashPoint.ChoiceRecorded, "it is refused unless DOTNET_ENVIRONMENT (or ASPNETCORE_ENVIRONMENT) is Testing")]
    [InlineData("Testing", "after-everything", "Gateway:Testing:KillAt must be one of candidate-written, choice-recorded, retire-original, backfill-swapped")]
    public async Task Gateway_serve_refuses_to_start_with_a_crash_point_outside_the_Testing_environment_or_naming_no_point(string environmentName, string point, string expected)
    {
        var postgres = await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-crash-point-").FullName;
        try
        {
            using var gateway = GatewayProcess.Launch(data, GatewayProcess.FreePort(), GatewayProcess.FreePort(), postgres, new Dictionary<string, string>
            {
                ["DOTNET_ENVIRONMENT"] = environmentName,
                ["ASPNETCORE_ENVIRONMENT"] = environmentName,
                ["Gateway__Testing__KillAt"] = point,
            });
            var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exitCode is not (0 or 137), $"gateway serve exited with {exitCode}:\n{gateway.Output}");
            Assert.Contains(expected, gateway.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
