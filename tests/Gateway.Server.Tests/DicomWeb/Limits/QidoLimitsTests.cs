using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Gateway.Server.Tests.DicomWeb.Limits;

/// <summary>
/// Issue 13 point 1, QIDO-RS side: with QidoMaxResults = 5 and 8 stored instances (DCMTK storescu), a search
/// without a limit, or with a larger one, returns 5 matches and the Warning of PS3.18; a search within the
/// maximum returns what it asked for without one.
/// </summary>
public sealed class QidoLimitsTests(PostgresCluster cluster)
{
    private const int Stored = 8;
    private const int MaxResults = 5;
    private const string Warning = "299 gateway: \"The number of results exceeded the maximum supported by the server. Additional results can be requested.\"";

    [Fact]
    public async Task Point01_QIDO_returns_at_most_QidoMaxResults_with_the_PS318_warning_unless_the_limit_is_within_it()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"), "*.dcm").Order(StringComparer.Ordinal).Take(Stored).ToArray();
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["QidoMaxResults"] = MaxResults.ToString(CultureInfo.InvariantCulture) });
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");

        foreach (var query in new[] { "dicomweb/instances", "dicomweb/instances?limit=1000000", "dicomweb/instances?includefield=all&limit=6" })
        {
            var (count, warnings) = await SearchAsync(gateway.Http, query);
            Assert.Equal(MaxResults, count);
            Assert.Equal([Warning], warnings);
        }

        // Within the maximum, or with fewer matches left than it: exactly what was asked for, no warning.
        foreach (var (query, expected) in new[] { ("dicomweb/instances?limit=3", 3), ("dicomweb/instances?limit=5", 5), ($"dicomweb/instances?offset={MaxResults}", Stored - MaxResults) })
        {
            var (count, warnings) = await SearchAsync(gateway.Http, query);
            Assert.Equal(expected, count);
            Assert.Empty(warnings);
        }
    }

    private static async Task<(int Count, List<string> Warnings)> SearchAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(new Uri(query, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query} answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        var warnings = response.Headers.NonValidated.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return (document.RootElement.GetArrayLength(), warnings);
    }
}
