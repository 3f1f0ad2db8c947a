using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Stow;

namespace Gateway.Server.Tests.Security;

/// <summary>API keys for modalities and scripts: created by an admin (token from a real oidc-provider), shown once, stored hashed, used, revoked.</summary>
public sealed class ApiKeyTests(PostgresCluster cluster)
{
    private const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    [Fact]
    public async Task An_admin_creates_a_key_shown_once_and_stored_as_its_sha256_that_works_for_its_roles_only_until_revoked()
    {
        var file = TestData.RequireSharedData(CtFile);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var secured = await SecuredGateway.StartAsync(cluster);
        var http = secured.Gateway.Http;
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        var viewer = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Viewer));

        // Only admins create keys, and only with the gateway's roles.
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(http, viewer, "scanner", ["uploader"])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(http, admin, "scanner", ["superuser"])).Status);
        var (status, created) = await CreateAsync(http, admin, "ct-scanner-1", ["uploader"]);
        Assert.Equal(HttpStatusCode.Created, status);
        var uploaderKey = created!["key"]!.GetValue<string>();
        var id = created["id"]!.GetValue<long>();
        Assert.Equal("admin-console", created["createdBy"]!.GetValue<string>());

        // Stored as its SHA-256 only; the list shows the prefix, never the key.
        await using (var database = secured.Gateway.OpenDatabase())
        await using (var command = database.CreateCommand("select key_hash, prefix, name, roles from api_keys where id = @id"))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            Assert.True(await reader.ReadAsync(cancellationToken));
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(uploaderKey)), reader.GetFieldValue<byte[]>(0));
            Assert.Equal(uploaderKey[..12], reader.GetString(1));
            Assert.Equal(["uploader"], reader.GetFieldValue<string[]>(3));
        }

        var list = await SendAsync(http, HttpMethod.Get, "api/keys", admin);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.DoesNotContain(uploaderKey, list.Body, StringComparison.Ordinal);
        Assert.Contains(uploaderKey[..12], list.Body, StringComparison.Ordinal);

        // The uploader key stores (X-Api-Key) and cannot search; a viewer key (Authorization: ApiKey) searches.
        Assert.Equal(HttpStatusCode.OK, await StowAsync(http, file, uploaderKey));
        using (var search = new HttpRequestMessage(HttpMethod.Get, new Uri("dicomweb/studies", UriKind.Relative)))
        {
            search.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + uploaderKey);
            using var response = await http.SendAsync(search, cancellationToken);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var viewerKey = (await CreateAsync(http, admin, "research-script", ["viewer"])).Body!["key"]!.GetValue<string>();
        using (var search = new HttpRequestMessage(HttpMethod.Get, new Uri("dicomweb/studies", UriKind.Relative)))
        {
            search.Headers.TryAddWithoutValidation("Authorization", "ApiKey " + viewerKey);
            using var response = await http.SendAsync(search, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var studies = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsArray();
            var studyUid = DicomFile.Open(file).Dataset.GetString(DicomTags.StudyInstanceUID);
            Assert.Equal(studyUid, Assert.Single(studies)!["0020000D"]!["Value"]![0]!.GetValue<string>());
        }

        // Revoked: the key fails at once (401), and cannot be revoked twice.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Delete, $"api/keys/{id}", viewer)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(http, HttpMethod.Delete, $"api/keys/{id}", admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, HttpMethod.Delete, $"api/keys/{id}", admin)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await StowAsync(http, file, uploaderKey));
    }

    private static async Task<(HttpStatusCode Status, JsonObject? Body)> CreateAsync(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue authorization, string name, string[] roles)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/keys", UriKind.Relative)) { Content = JsonContent.Create(new { name, roles }) };
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? JsonNode.Parse(body)!.AsObject() : null);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, System.Net.Http.Headers.AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<HttpStatusCode> StowAsync(HttpClient http, string file, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = new ByteArrayContent(MultipartBody.OfFiles([file])) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
