using Gateway.Core.Compression;
using Gateway.Core.Lifecycle;

namespace Gateway.Server.Tests.Lifecycle;

/// <summary>Which rule decides for an instance, and the start-up check of Gateway:Lifecycle:Rules (in a real gateway start).</summary>
public sealed class LifecycleRulesTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static LifecycleRules Rules() => new(
        new LifecycleOptions
        {
            Rules =
            [
                new LifecycleRule { Name = "month", AgeDays = 30, AgeBasis = LifecycleAgeBasis.Received, Modalities = ["MR", "CT"], Representations = [Representation.J2kLossy] },
                new LifecycleRule { Name = "years", AgeDays = 1826, AgeBasis = LifecycleAgeBasis.StudyDate, Modalities = ["ct"], Representations = [Representation.Latent] },
            ],
        },
        new CompressionOptions());

    [Theory]
    [InlineData("CT", "20260101", 40, "month")] // received 40 days ago; study within 5 years
    [InlineData("CT", "20150101", 40, "years")] // both reached: the older age decides
    [InlineData("CT", "20150101", 1, "years")] // study date old, received yesterday
    [InlineData("MR", "20150101", 1, null)] // the 5-year rule is CT only
    [InlineData("MR", "20150101", 29, null)] // not 30 days yet
    [InlineData("CR", "19990101", 4000, null)] // no rule for CR
    [InlineData("CT", "2015", 1, null)] // a study date that is not a date never counts
    public void The_oldest_age_an_instance_reached_among_the_rules_of_its_modality_decides(string modality, string studyDate, int receivedDaysAgo, string? expected) =>
        Assert.Equal(expected, Rules().Decide(modality, studyDate, Now.AddDays(-receivedDaysAgo), Now)?.Name);

    [Fact]
    public async Task A_gateway_with_rules_it_cannot_apply_refuses_to_start_and_names_each_setting()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Lifecycle:Rules:0:AgeDays"] = "0",
                ["Lifecycle:Rules:1:Name"] = "twice",
                ["Lifecycle:Rules:1:AgeDays"] = "30",
                ["Lifecycle:Rules:1:Representations:0"] = "Latent",
                ["Lifecycle:Rules:2:Name"] = "Twice",
                ["Lifecycle:Rules:2:AgeDays"] = "60",
                ["Lifecycle:Rules:2:Representations:0"] = "Lossless",
            });
        });
        var message = exception.ToString();
        Assert.Contains("Gateway:Lifecycle:Rules:0:Name is missing", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Lifecycle:Rules:0:AgeDays must be more than 0", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Lifecycle:Rules:0:Representations is empty", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Lifecycle:Rules:2:Name 'Twice' is used by an earlier rule", message, StringComparison.Ordinal);
    }
}
