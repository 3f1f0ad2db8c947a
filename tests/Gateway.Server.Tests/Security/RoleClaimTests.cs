using System.Net;

namespace Gateway.Server.Tests.Security;

/// <summary>Roles come from the configured claim and values: here the provider's space-separated "scope" claim.</summary>
public sealed class RoleClaimTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_configured_claim_and_value_give_the_role_and_the_default_roles_claim_then_counts_for_nothing()
    {
        // oidc-provider grants every client the scope "dicomweb" (oidc-provider.mjs); map it to viewer only.
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Security:RoleClaim"] = "scope",
            ["Security:ViewerValues:0"] = "dicomweb",
            ["Security:UploaderValues:0"] = "dicomweb.write",
            ["Security:AdminValues:0"] = "dicomweb.admin",
        });
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies", admin));
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Get, "api/stats", admin));
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Post, "dicomweb/studies", admin));
    }

    [Fact]
    public async Task Configured_role_values_replace_the_default_ones()
    {
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Security:AdminValues:0"] = "pacs-admins" });
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        var viewer = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Viewer));

        // "admin" in the roles claim no longer makes an admin once AdminValues names pacs-admins; viewer keeps its default.
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Get, "api/stats", admin));
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies", viewer));
    }
}
