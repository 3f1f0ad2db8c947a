using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.DicomWeb.Stow;
using Gateway.Server.Tests.Security;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// Issue 16 point 5 over HTTP, with authentication on (tokens of a real oidc-provider, an API key an admin made):
/// each action leaves exactly one audit row (one per instance for STOW-RS) naming the right actor and object, a
/// refused credential is a failed login with its reason, and only admins read /api/audit.
/// </summary>
public sealed class HttpAuditTests(PostgresCluster cluster)
{
    private const string MrSeries = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    private static readonly string[] UploaderRoles = ["uploader"];

    [Fact]
    public async Task Each_action_leaves_exactly_one_row_with_its_actor_and_object()
    {
        var mr = Directory.GetFiles(TestData.RequireSharedData(MrSeries), "*.dcm").Order(StringComparer.Ordinal).Take(2).Select(TestInstance.Of).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var secured = await SecuredGateway.StartAsync(cluster);
        var gateway = secured.Gateway;
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        var viewer = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Viewer));
        var first = mr[0];

        // An admin makes an uploader key; the key stores two instances.
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("api/keys", UriKind.Relative)) { Content = JsonContent.Create(new { name = "ct-scanner", roles = UploaderRoles }) };
        create.Headers.Authorization = admin;
        using var created = await gateway.Http.SendAsync(create, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync(cancellationToken))!;
        var keyId = key["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stow = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = new ByteArrayContent(MultipartBody.OfFiles(mr.Select(instance => instance.Path))) })
        {
            stow.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            stow.Headers.Add("X-Api-Key", key["key"]!.GetValue<string>());
            using var stored = await gateway.Http.SendAsync(stow, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        // A viewer searches (with a name the audit must not keep), retrieves over WADO-RS and WADO-URI, asks for a latent there is none of.
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, $"dicomweb/studies?StudyInstanceUID={first.Study}&PatientName=Secret*", viewer));
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, first.InstancePath, viewer));
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, first.WadoUri("&contentType=application/dicom"), viewer));
        Assert.Equal(HttpStatusCode.Conflict, await secured.SendAsync(HttpMethod.Get, first.InstancePath + "/latent", viewer));

        // An unknown key is a failed login (and no search); a viewer may not read the audit trail.
        Assert.Equal(HttpStatusCode.Unauthorized, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies", apiKey: "mvg_" + new string('Q', 43)));
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Get, "api/audit", viewer));

        // The admin deletes the study and revokes the key.
        Assert.Equal(HttpStatusCode.NoContent, await secured.SendAsync(HttpMethod.Delete, first.StudyPath, admin));
        Assert.Equal(HttpStatusCode.NoContent, await secured.SendAsync(HttpMethod.Delete, "api/keys/" + keyId, admin));

        var rows = await AuditRows.WaitAsync(gateway, rows => rows.Count >= 10);
        Assert.True(rows.Count == 10, Describe(rows));
        Assert.All(rows, row => Assert.Equal("127.0.0.1", row.Address));

        var keyCreated = Assert.Single(rows, row => row.Action == "api-key-create");
        Assert.Equal(("user", "admin-console", 0), (keyCreated.ActorKind, keyCreated.ActorId, keyCreated.Outcome));
        Assert.Contains($"key {keyId} ", keyCreated.Detail, StringComparison.Ordinal);

        var stores = rows.Where(row => row.Action == "store").ToList();
        Assert.Equal(mr.Select(instance => (instance.Study, instance.Series, instance.Sop)).Order(), stores.Select(row => (row.Study!, row.Series!, row.Sop!)).Order());
        Assert.All(stores, row => Assert.Equal(("api-key", keyId, "ct-scanner", 0), (row.ActorKind, row.ActorId!, row.ActorName!, row.Outcome)));

        var query = Assert.Single(rows, row => row.Action == "query");
        Assert.Equal(("user", "viewer-app", first.Study, 0), (query.ActorKind, query.ActorId!, query.Study!, query.Outcome));
        Assert.Contains("PatientName", query.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", query.Detail, StringComparison.Ordinal);

        var retrieves = rows.Where(row => row.Action == "retrieve").ToList();
        Assert.Equal(2, retrieves.Count);
        Assert.All(retrieves, row => Assert.Equal(("viewer-app", first.Study, first.Series, first.Sop, 0), (row.ActorId!, row.Study!, row.Series!, row.Sop!, row.Outcome)));

        var latent = Assert.Single(rows, row => row.Action == "export-latent");
        Assert.Equal(("viewer-app", first.Sop, 4), (latent.ActorId!, latent.Sop!, latent.Outcome));

        var login = Assert.Single(rows, row => row.Action == "login");
        Assert.Equal(("anonymous", null, "api key mvg_QQQQQQQQ", 4), (login.ActorKind, login.ActorId, login.ActorName, login.Outcome));
        Assert.Contains("unknown or revoked", login.Detail, StringComparison.Ordinal);

        var deleted = Assert.Single(rows, row => row.Action == "delete");
        Assert.Equal(("user", "admin-console", first.Study, null, 0, "2 instances deleted"), (deleted.ActorKind, deleted.ActorId!, deleted.Study!, deleted.Series, deleted.Outcome, deleted.Detail!));

        var revoked = Assert.Single(rows, row => row.Action == "api-key-revoke");
        Assert.Equal(("admin-console", "key " + keyId, 0), (revoked.ActorId!, revoked.Detail!, revoked.Outcome));

        // The admin reads the same rows over /api/audit.
        using var audit = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/audit?study={first.Study}&action=delete", UriKind.Relative));
        audit.Headers.Authorization = admin;
        using var answer = await gateway.Http.SendAsync(audit, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var events = JsonNode.Parse(await answer.Content.ReadAsStringAsync(cancellationToken))!["events"]!.AsArray();
        var shown = Assert.Single(events)!;
        Assert.Equal((deleted.Id, "admin-console", "user"), (shown["id"]!.GetValue<long>(), shown["actor"]!["id"]!.GetValue<string>(), shown["actor"]!["kind"]!.GetValue<string>()));
    }

    internal static string Describe(IEnumerable<AuditRow> rows) =>
        string.Join('\n', rows.Select(row => $"{row.Id} {row.Action} {row.Outcome} {row.ActorKind}:{row.ActorId} ({row.ActorName}) {row.Study}/{row.Series}/{row.Sop} {row.Detail}"));
}
