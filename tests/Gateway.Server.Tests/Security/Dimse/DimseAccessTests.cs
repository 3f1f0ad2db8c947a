using System.Globalization;
using Gateway.Dicom.Network;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Security.Dimse;

/// <summary>
/// Issue 16 point 3, DIMSE access control, with DCMTK's tools against a gateway whose Gateway:Peers is an allow-list
/// (see <see cref="DimseAccessGateway"/>): known AEs do what their permissions allow, an unknown AE is rejected at
/// association with the reason PS3.8 table 9-21 names, and a request outside an AE's permissions is refused 0x0124.
/// </summary>
public sealed class DimseAccessTests(DimseAccessGateway fixture, PostgresCluster cluster) : IClassFixture<DimseAccessGateway>
{
    private static readonly string[] StudyKeys = ["-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + DimseAccessGateway.Study];

    [Fact]
    public async Task An_allowed_AE_stores_finds_gets_and_moves()
    {
        TestData.RequireSharedData(GatewayChecks.CtFile);
        var store = fixture.Dcmtk("storescu", "ARCHIVE", [], fixture.File);
        Assert.True(store.ExitCode == 0 && !store.Output.Contains("Error", StringComparison.OrdinalIgnoreCase), store.Output);

        var responses = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "find-" + Guid.NewGuid().ToString("N"))).FullName;
        var find = fixture.Dcmtk("findscu", "ARCHIVE", [.. StudyKeys, "-X", "-od", responses]);
        Assert.True(find.ExitCode == 0, find.Output);
        Assert.Single(Directory.GetFiles(responses));

        var got = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "get-" + Guid.NewGuid().ToString("N"))).FullName;
        var get = fixture.Dcmtk("getscu", "ARCHIVE", [.. StudyKeys, "-od", got]);
        Assert.True(get.ExitCode == 0, get.Output);
        Assert.Single(Directory.GetFiles(got));

        var before = Directory.GetFiles(fixture.Received).Length;
        var move = fixture.Dcmtk("movescu", "ARCHIVE", [.. StudyKeys, "-aem", "ARCHIVE"]);
        Assert.True(move.ExitCode == 0 && move.Output.Contains("Success", StringComparison.Ordinal), move.Output);
        Assert.Equal(before + 1, Directory.GetFiles(fixture.Received).Length);

        // An allowed AE's C-ECHO, through our own client too.
        var client = new DicomClient("127.0.0.1", fixture.Gateway.DicomPort, GatewayInstance.AETitle, new DicomClientOptions { CallingAE = "MODALITY" });
        Assert.Equal(DicomStatus.Success, await client.EchoAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_unknown_AE_or_a_known_one_from_another_host_is_rejected_at_association_permanently_by_the_service_user_with_reason_3()
    {
        TestData.RequireSharedData(GatewayChecks.CtFile);
        foreach (var stranger in new[] { "STRANGER", "FARAWAY" })
        {
            var (exitCode, output) = fixture.Dcmtk("echoscu", stranger, []);
            Assert.True(exitCode != 0, output);
            Assert.True(output.Contains("Result: Rejected Permanent, Source: Service User", StringComparison.Ordinal), output);
            Assert.True(output.Contains("Reason: Calling AE Title Not Recognized", StringComparison.Ordinal), output);

            var client = new DicomClient("127.0.0.1", fixture.Gateway.DicomPort, GatewayInstance.AETitle, new DicomClientOptions { CallingAE = stranger });
            var rejected = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => client.EchoAsync(TestContext.Current.CancellationToken));
            Assert.Equal(new AssociationRejection(RejectResult.Permanent, RejectSource.ServiceUser, 3), rejected.Rejection);
        }

        var store = fixture.Dcmtk("storescu", "STRANGER", [], fixture.File);
        Assert.True(store.ExitCode != 0, store.Output);

        var lines = fixture.LogEntries.Where(entry => entry.EventId == 7730).Select(entry => entry.Message).ToList();
        Assert.Contains(lines, line => line.Contains("STRANGER", StringComparison.Ordinal) && line.Contains("127.0.0.1", StringComparison.Ordinal) && line.Contains("not on the allow-list", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("FARAWAY", StringComparison.Ordinal) && line.Contains("only from 192.0.2.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_only_AE_stores_but_its_C_FIND_C_GET_and_C_MOVE_are_refused_0x0124_not_authorized()
    {
        TestData.RequireSharedData(GatewayChecks.CtFile);
        var client = new DicomClient("127.0.0.1", fixture.Gateway.DicomPort, GatewayInstance.AETitle, new DicomClientOptions { CallingAE = "MODALITY" });
        var stored = Assert.Single(await client.StoreAsync([fixture.File], TestContext.Current.CancellationToken));
        Assert.True(stored.Succeeded, stored.Error ?? stored.Status.ToString());

        var got = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "get-" + Guid.NewGuid().ToString("N"))).FullName;
        var before = Directory.GetFiles(fixture.Received).Length;
        foreach (var (tool, options) in new (string, string[])[]
        {
            ("findscu", StudyKeys),
            ("getscu", [.. StudyKeys, "-od", got]),
            ("movescu", [.. StudyKeys, "-aem", "ARCHIVE"]),
        })
        {
            var (_, output) = fixture.Dcmtk(tool, "MODALITY", options);
            Assert.True(RefusedNotAuthorized(output), tool + ": " + output);
        }

        Assert.Empty(Directory.GetFiles(got));
        Assert.Equal(before, Directory.GetFiles(fixture.Received).Length);
        var refusals = fixture.LogEntries.Where(entry => entry.EventId == 7731 && entry.Message.Contains("MODALITY at 127.0.0.1", StringComparison.Ordinal)).Select(entry => entry.Message).ToList();
        Assert.Contains(refusals, line => line.StartsWith("C-FIND", StringComparison.Ordinal) && line.Contains("Query permission", StringComparison.Ordinal));
        Assert.Contains(refusals, line => line.StartsWith("C-GET", StringComparison.Ordinal) && line.Contains("Retrieve permission", StringComparison.Ordinal));
        Assert.Contains(refusals, line => line.StartsWith("C-MOVE", StringComparison.Ordinal) && line.Contains("Move permission", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_AE_without_the_store_permission_has_its_C_STORE_refused_0x0124_and_nothing_is_stored()
    {
        TestData.RequireSharedData(GatewayChecks.CtFile);
        var copy = GatewayChecks.CopyWithUids(fixture.File, Directory.CreateTempSubdirectory("dimse-viewer-").FullName, "1.2.826.0.1.3680043.8.498.16302", "1.2.826.0.1.3680043.8.498.16302.1", "1.2.826.0.1.3680043.8.498.16302.1.1");
        var client = new DicomClient("127.0.0.1", fixture.Gateway.DicomPort, GatewayInstance.AETitle, new DicomClientOptions { CallingAE = "VIEWER" });
        var outcome = Assert.Single(await client.StoreAsync([copy], TestContext.Current.CancellationToken));
        Assert.Equal(DicomStatus.NotAuthorized, outcome.Status);

        // The association stays usable after the refusal, and the instance is not in the index.
        Assert.Equal(DicomStatus.Success, await client.EchoAsync(TestContext.Current.CancellationToken));
        await using var database = fixture.Gateway.OpenDatabase();
        await using var command = database.CreateCommand("select count(*) from instances where sop_instance_uid = '1.2.826.0.1.3680043.8.498.16302.1.1'");
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
    }

    [Fact]
    public void A_C_MOVE_to_a_destination_the_AE_may_not_use_is_refused_0x0124_while_its_own_destination_is_served()
    {
        TestData.RequireSharedData(GatewayChecks.CtFile);
        Assert.Equal(0, fixture.Dcmtk("storescu", "MODALITY", [], fixture.File).ExitCode);
        var before = Directory.GetFiles(fixture.Received).Length;

        var refused = fixture.Dcmtk("movescu", "VIEWER", [.. StudyKeys, "-aem", "OTHER"]);
        Assert.True(RefusedNotAuthorized(refused.Output), refused.Output);
        Assert.Contains(fixture.LogEntries, entry => entry.EventId == 7732 && entry.Message.Contains("VIEWER", StringComparison.Ordinal) && entry.Message.Contains("OTHER", StringComparison.Ordinal));

        var allowed = fixture.Dcmtk("movescu", "VIEWER", [.. StudyKeys, "-aem", "ARCHIVE"]);
        Assert.True(allowed.ExitCode == 0 && !RefusedNotAuthorized(allowed.Output), allowed.Output);
        Assert.Equal(before + 1, Directory.GetFiles(fixture.Received).Length);
    }

    [Fact]
    public async Task Without_peers_the_allow_list_is_off_and_says_so_once_and_RestrictCallingAETitles_false_turns_it_off_with_peers()
    {
        foreach (var settings in new[]
        {
            new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["Peers:0"] = "PACS=127.0.0.1:104", ["RestrictCallingAETitles"] = "false" },
        })
        {
            var logs = new LogCapture();
            await using var gateway = await GatewayInstance.StartAsync(cluster, settings, builder => builder.Logging.AddProvider(logs));
            var (exitCode, output, error) = ExternalTool.Run("echoscu", ["-aet", "ANYONE", "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture)], "dcmtk", timeout: TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, output + error);
            var said = Assert.Single(logs.Entries, entry => entry.EventId == 7733);
            Assert.Contains("any calling AE title", said.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_peer_whose_MoveDestinations_names_no_destination_refuses_to_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Peers:0:AETitle"] = "VIEWER",
            ["Peers:0:Permissions:0"] = "Move",
            ["Peers:0:MoveDestinations:0"] = "NOWHERE",
        }));
        Assert.Contains("Gateway:Peers:0:MoveDestinations names NOWHERE", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Whether a DCMTK tool's verbose output reports a response with status 0x0124, Refused: Not Authorized (which DCMTK 3.6.7 prints as "Unknown Status: 0x124").</summary>
    private static bool RefusedNotAuthorized(string output) =>
        output.Split('\n').Any(line => line.Contains("Response (", StringComparison.Ordinal) && line.Contains("Status: 0x124)", StringComparison.OrdinalIgnoreCase));
}
