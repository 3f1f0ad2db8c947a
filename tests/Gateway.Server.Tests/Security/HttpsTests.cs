using System.Net;
using Gateway.Server.Hosting;
using Gateway.Server.Security;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Security;

/// <summary>HTTPS served by the gateway from PEM files (made by openssl), reloaded when they change, with HSTS on HTTPS only.</summary>
public sealed class HttpsTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Https_presents_the_pem_certificate_and_after_the_files_are_replaced_the_new_one_without_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("gateway-tls-").FullName;
        try
        {
            var certificateFile = Path.Combine(folder, "tls.crt");
            var keyFile = Path.Combine(folder, "tls.key");
            var first = TestCertificate.Create(certificateFile, keyFile, "gateway-first");
            var logs = new LogCapture();
            await using var gateway = await GatewayInstance.StartAsync(
                cluster,
                new Dictionary<string, string?>
                {
                    ["Https:Url"] = "127.0.0.1:0",
                    ["Https:CertificateFile"] = certificateFile,
                    ["Https:KeyFile"] = keyFile,
                    ["Https:ReloadCheckSeconds"] = "0.1",
                },
                builder => builder.Logging.AddProvider(logs));
            var https = Assert.Single(gateway.Addresses, address => address.Scheme == "https");
            Assert.Equal(first, await TestCertificate.PresentedAsync(https));
            Assert.Equal(1, logs.Count(7760));

            // A certificate file that does not load is logged and the one in use kept.
            await File.WriteAllTextAsync(certificateFile, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n", TestContext.Current.CancellationToken);
            await Eventually(() => Task.FromResult(logs.Count(7762) > 0), "a failed reload to be logged");
            Assert.Equal(first, await TestCertificate.PresentedAsync(https));

            // New files moved in (as a certificate manager renews them): the next handshakes present the new certificate.
            var renewed = Directory.CreateDirectory(Path.Combine(folder, "renewed")).FullName;
            var second = TestCertificate.Create(Path.Combine(renewed, "tls.crt"), Path.Combine(renewed, "tls.key"), "gateway-second");
            Assert.NotEqual(first, second);
            File.Move(Path.Combine(renewed, "tls.key"), keyFile, overwrite: true);
            File.Move(Path.Combine(renewed, "tls.crt"), certificateFile, overwrite: true);
            await Eventually(async () => await TestCertificate.PresentedAsync(https) == second, "the renewed certificate to be presented");
            await Eventually(() => Task.FromResult(logs.Count(7761) >= 1), "the reload to be logged");

            // The same gateway still answers over HTTPS with the new certificate pinned.
            using var client = TestCertificate.PinnedClient(https, second);
            using var live = await client.GetAsync(new Uri("health/live", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Https_responses_carry_hsts_and_plain_http_responses_do_not()
    {
        var folder = Directory.CreateTempSubdirectory("gateway-tls-").FullName;
        try
        {
            var certificateFile = Path.Combine(folder, "tls.crt");
            var keyFile = Path.Combine(folder, "tls.key");
            var fingerprint = TestCertificate.Create(certificateFile, keyFile, "gateway-hsts");
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Https:Url"] = "127.0.0.1:0",
                ["Https:CertificateFile"] = certificateFile,
                ["Https:KeyFile"] = keyFile,
            });
            var https = Assert.Single(gateway.Addresses, address => address.Scheme == "https");
            using var client = TestCertificate.PinnedClient(https, fingerprint);
            using var secure = await client.GetAsync(new Uri("dicomweb/studies", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
            Assert.Equal("max-age=31536000", Assert.Single(secure.Headers.GetValues("Strict-Transport-Security")));

            using var plain = await gateway.Http.GetAsync(new Uri("dicomweb/studies", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_public_https_address_without_authentication_is_refused_like_a_public_http_one()
    {
        var folder = Directory.CreateTempSubdirectory("gateway-tls-").FullName;
        try
        {
            var certificateFile = Path.Combine(folder, "tls.crt");
            var keyFile = Path.Combine(folder, "tls.key");
            TestCertificate.Create(certificateFile, keyFile, "gateway-public");
            var refused = Assert.Throws<InsecureBindException>(() => GatewayHost.Build(new Dictionary<string, string?>
            {
                ["Gateway:DataDirectory"] = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N")),
                ["Gateway:Https:Url"] = "0.0.0.0:8443",
                ["Gateway:Https:CertificateFile"] = certificateFile,
                ["Gateway:Https:KeyFile"] = keyFile,
            }));
            Assert.Contains("Refusing to serve HTTP on 0.0.0.0:8443", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_certificate_file_that_does_not_load_stops_the_start_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N"), "tls.crt");
        var failure = Assert.ThrowsAny<Exception>(() => GatewayHost.Build(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N")),
            ["Gateway:Https:Url"] = "127.0.0.1:8443",
            ["Gateway:Https:CertificateFile"] = missing,
        }));
        Assert.Contains("Gateway:Https: the certificate " + missing, failure.Message, StringComparison.Ordinal);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
