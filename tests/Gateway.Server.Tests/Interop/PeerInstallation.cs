namespace Gateway.Server.Tests.Interop;

/// <summary>
/// Where scripts/install-peers.sh put the real peers (Orthanc with its DICOMweb plugin, Chromium, the npm
/// dicomweb-client, oidc-provider and playwright-core, and the prebuilt OHIF viewer); a missing one fails the test,
/// naming the script.
/// </summary>
internal static class PeerInstallation
{
    private const string InstallHint = "run scripts/install-peers.sh (scripts/install-test-deps.sh calls it)";

    public const string OhifVersion = "3.13.2";

    /// <summary>The cache folder of the npm peers: GATEWAY_PEERS_DIR, else $XDG_CACHE_HOME or ~/.cache + medvae-gateway/peers.</summary>
    public static string Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("GATEWAY_PEERS_DIR");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cache))
            {
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(cache, "medvae-gateway", "peers");
        }
    }

    /// <summary>The node_modules folder holding dicomweb-client, dcmjs and xhr2 (for NODE_PATH).</summary>
    public static string RequireNodeModules()
    {
        var modules = Path.Combine(Folder, "node", "node_modules");
        foreach (var package in new[] { "dicomweb-client", "dcmjs", "xhr2" })
        {
            RequireFile(Path.Combine(modules, package, "package.json"), $"the npm package {package}");
        }

        RequireFile("/usr/bin/node", "node (apt-get install nodejs)");
        return modules;
    }

    /// <summary>The node_modules folder holding oidc-provider (the OpenID Connect provider of the authentication tests).</summary>
    public static string RequireOidcProviderModules()
    {
        var modules = Path.Combine(Folder, "oidc", "node_modules");
        RequireFile(Path.Combine(modules, "oidc-provider", "package.json"), "the npm package oidc-provider");
        RequireFile("/usr/bin/node", "node (apt-get install nodejs)");
        return modules;
    }

    /// <summary>The node_modules folder holding playwright-core (the console's browser tests drive Debian's Chromium with it).</summary>
    public static string RequirePlaywrightModules()
    {
        var modules = Path.Combine(Folder, "playwright", "node_modules");
        RequireFile(Path.Combine(modules, "playwright-core", "package.json"), "the npm package playwright-core");
        RequireFile("/usr/bin/node", "node (apt-get install nodejs)");
        return modules;
    }

    /// <summary>The folder of the prebuilt OHIF viewer (index.html, app-config.js, bundles) from the @ohif/app tarball.</summary>
    public static string RequireOhifSite()
    {
        var site = Path.Combine(Folder, "ohif-" + OhifVersion, "package", "dist");
        RequireFile(Path.Combine(site, "index.html"), $"the @ohif/app@{OhifVersion} viewer");
        return site;
    }

    public static string RequireOrthanc()
    {
        RequireFile(OrthancProgram, "Orthanc (apt package orthanc)");
        RequireFile(OrthancDicomWebPlugin, "Orthanc's DICOMweb plugin (apt package orthanc-dicomweb)");
        return OrthancProgram;
    }

    public static string RequireChromium() => RequireFile("/usr/bin/chromium", "Chromium (apt package chromium)");

    public const string OrthancProgram = "/usr/sbin/Orthanc";

    public const string OrthancDicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    private static string RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{what} is missing ({path} not found): {InstallHint}.");
        }

        return path;
    }
}
