using System.Text.Json.Nodes;
using Gateway.Dicom;
using Gateway.Server.Tests.Interop;

namespace Gateway.Server.Tests.Security;

/// <summary>The npm dicomweb-client (what OHIF uses) against a gateway with authentication: it works with a token from a real oidc-provider, and gets 401 without one.</summary>
public sealed class DicomWebClientTokenTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Dicomweb_client_stores_searches_and_retrieves_with_a_bearer_token_and_gets_401_without_one()
    {
        var file = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var study = DicomFile.Open(file).Dataset.GetString(DicomTags.StudyInstanceUID)!;
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var secured = await SecuredGateway.StartAsync(cluster);
        var token = await secured.Provider.TokenAsync(SecuredGateway.Everything);
        var folder = Directory.CreateTempSubdirectory("gateway-dwc-token-").FullName;
        try
        {
            var root = new Uri(secured.Gateway.BaseAddress, "dicomweb").AbsoluteUri;
            object[] steps =
            [
                new { Kind = "store", Name = "stow", Files = new[] { file } },
                new { Kind = "search", Name = "qido", Level = "studies", QueryParams = new Dictionary<string, object> { ["StudyInstanceUID"] = study } },
                new { Kind = "metadata", Name = "metadata", Level = "study", StudyInstanceUID = study },
                new { Kind = "instance", Name = "retrieve", Level = "study", StudyInstanceUID = study },
            ];
            var withToken = await NodeScript.RunPlanAsync(
                new { Root = root, OutDir = Path.Combine(folder, "token"), Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token }, Steps = steps },
                folder,
                cancellationToken);
            foreach (var step in new[] { "stow", "qido", "metadata", "retrieve" })
            {
                Assert.True(withToken[step]!["ok"]!.GetValue<bool>(), $"{step} with a token: {withToken[step]!.ToJsonString()}");
            }

            var found = withToken["qido"]!["response"]!.AsArray();
            Assert.Equal(study, Assert.Single(found)!["0020000D"]!["Value"]![0]!.GetValue<string>());
            Assert.Single(withToken["retrieve"]!["files"]!.AsArray());

            var without = await NodeScript.RunPlanAsync(new { Root = root, OutDir = Path.Combine(folder, "none"), Steps = steps[1..] }, folder, cancellationToken);
            foreach (var step in new[] { "qido", "metadata", "retrieve" })
            {
                Assert.False(without[step]!["ok"]!.GetValue<bool>(), $"{step} without a token: {without[step]!.ToJsonString()}");
                Assert.Equal(401, without[step]!["status"]!.GetValue<int>());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
