using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Operations;

/// <summary>
/// Issue 13 point 11: stored files are 0640 in 0750 folders; a client's Host header does not go into RetrieveURL
/// (a trusted proxy's X-Forwarded-* does); a study-root IMAGE-level C-FIND without a Series Instance UID finds the
/// study's instances across its series; every [LoggerMessage] event id is unique in the process.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SmallerOnesTests(PostgresCluster cluster)
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode File0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    [Fact]
    public async Task Point11_stored_objects_are_0640_in_0750_folders()
    {
        var file = TestData.RequireSharedData(GatewayChecks.CtFile);
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var store = GatewayChecks.Store(gateway, file);
        Assert.True(store.ExitCode == 0, store.Output);

        var objects = Path.Combine(gateway.DataDirectory, "objects");
        var files = Directory.GetFiles(objects, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, path => Assert.Equal(File0640, File.GetUnixFileMode(path)));
        Assert.All(Directory.GetDirectories(objects, "*", SearchOption.AllDirectories).Append(objects), path => Assert.Equal(Folder, File.GetUnixFileMode(path)));
    }

    [Fact]
    public async Task Point11_a_forged_Host_header_is_not_reflected_into_RetrieveURL_but_a_trusted_proxy_is_believed()
    {
        var file = TestData.RequireSharedData(GatewayChecks.CtFile);
        await using (var direct = await GatewayInstance.StartAsync(cluster))
        {
            Assert.Equal(0, GatewayChecks.Store(direct, file).ExitCode);
            var url = await StudyRetrieveUrlAsync(direct, ("Host", "evil.example"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https"));
            Assert.DoesNotContain("evil.example", url, StringComparison.Ordinal);
            Assert.StartsWith(direct.BaseAddress + "dicomweb/studies/", url, StringComparison.Ordinal);
        }

        await using var proxied = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["TrustedProxies:0"] = "127.0.0.0/8" });
        Assert.Equal(0, GatewayChecks.Store(proxied, file).ExitCode);
        var forwarded = await StudyRetrieveUrlAsync(proxied, ("X-Forwarded-Host", "pacs.hospital.example"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Prefix", "/gw"));
        Assert.StartsWith("https://pacs.hospital.example/gw/dicomweb/studies/", forwarded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Point11_study_root_IMAGE_level_C_FIND_without_a_series_uid_finds_the_instances_of_every_series()
    {
        var source = TestData.RequireSharedData(GatewayChecks.CtFile);
        var folder = Directory.CreateTempSubdirectory("image-level-find-").FullName;
        try
        {
            var study = "1.2.826.0.1.3680043.8.498.13011";
            string[] sops = ["1.2.826.0.1.3680043.8.498.13011.1.1", "1.2.826.0.1.3680043.8.498.13011.1.2", "1.2.826.0.1.3680043.8.498.13011.2.1"];
            var files = new[]
            {
                GatewayChecks.CopyWithUids(source, folder, study, study + ".1", sops[0]),
                GatewayChecks.CopyWithUids(source, folder, study, study + ".1", sops[1]),
                GatewayChecks.CopyWithUids(source, folder, study, study + ".2", sops[2]),
            };
            await using var gateway = await GatewayInstance.StartAsync(cluster);
            foreach (var each in files)
            {
                Assert.Equal(0, GatewayChecks.Store(gateway, each).ExitCode);
            }

            var responses = Directory.CreateDirectory(Path.Combine(folder, "responses")).FullName;
            var (exitCode, output, error) = ExternalTool.Run(
                "findscu",
                ["-S", "-aec", GatewayInstance.AETitle, "-X", "-od", responses, "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study,
                    "-k", "SOPInstanceUID", "-k", "SeriesInstanceUID", "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture)],
                "dcmtk");
            Assert.True(exitCode == 0, output + error);
            Assert.DoesNotContain("Unable to process", output + error, StringComparison.OrdinalIgnoreCase);

            // What came back, read by DCMTK's dcmdump.
            var found = Directory.GetFiles(responses)
                .Select(response => ExternalTool.RunChecked("dcmdump", ["+P", "SOPInstanceUID", "+P", "SeriesInstanceUID", response], "dcmtk"))
                .ToList();
            Assert.Equal(sops.Order(StringComparer.Ordinal), found.Select(dump => UidIn(dump, "(0008,0018)")).Order(StringComparer.Ordinal));
            Assert.Equal([study + ".1", study + ".1", study + ".2"], found.Select(dump => UidIn(dump, "(0020,000e)")).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Point11_every_LoggerMessage_event_id_is_unique_in_the_process()
    {
        Assembly[] assemblies =
        [
            typeof(Gateway.Dicom.Network.DicomServer).Assembly,
            typeof(Gateway.Core.Jobs.JobRunner).Assembly,
            typeof(Gateway.Compression.Engine.LazyLatentEngine).Assembly,
            typeof(Gateway.Infrastructure.Postgres.EmbeddedPostgres).Assembly,
            typeof(Gateway.Server.Hosting.GatewayHost).Assembly,
        ];
        var events = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(entry => entry.Attribute is not null)
            .Select(entry => (entry.Attribute!.EventId, Name: $"{entry.Method.DeclaringType!.FullName}.{entry.Method.Name}"))
            .ToList();
        Assert.True(events.Count > 60, $"only {events.Count} [LoggerMessage] methods found");
        Assert.All(assemblies, assembly => Assert.Contains(events, entry => entry.Name.StartsWith(assembly.GetName().Name!, StringComparison.Ordinal)
            || entry.Name.StartsWith("Gateway.Server", StringComparison.Ordinal)));
        var duplicates = events.GroupBy(entry => entry.EventId).Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(entry => entry.Name))}").ToList();
        Assert.True(duplicates.Count == 0, "event ids used more than once:\n" + string.Join("\n", duplicates));
    }

    private static string UidIn(string dump, string tag)
    {
        var line = dump.Split('\n').Single(candidate => candidate.Contains(tag, StringComparison.OrdinalIgnoreCase));
        var start = line.IndexOf('[', StringComparison.Ordinal) + 1;
        return line[start..line.IndexOf(']', start)];
    }

    private static async Task<string> StudyRetrieveUrlAsync(GatewayInstance gateway, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "dicomweb/studies"));
        request.Headers.Accept.ParseAdd("application/dicom+json");
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.Add(name, value);
            }
        }

        using var response = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return document.RootElement[0].GetProperty("00081190").GetProperty("Value")[0].GetString()!;
    }
}
