using System.CommandLine;
using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Cli;

/// <summary>`gateway dicom echo|store|scp`: DICOM network tools (like DCMTK's echoscu, storescu and storescp).</summary>
internal static class NetworkCommands
{
    public static IEnumerable<Command> Create() => [EchoCommand(), StoreCommand(), ScpCommand()];

    private static Command EchoCommand()
    {
        var (host, port, calling, called) = Endpoint();
        var command = new Command("echo", "C-ECHO a DICOM node: checks that it answers and accepts our AE title.") { host, port, calling, called };
        command.SetAction(async (result, cancellationToken) => await RunAsync(async () =>
        {
            var client = Client(result, host, port, calling, called);
            var status = await client.EchoAsync(cancellationToken);
            Console.WriteLine($"C-ECHO {result.GetValue(called)}@{result.GetValue(host)}:{result.GetValue(port)}: {status}");
            return status.IsSuccess ? 0 : 1;
        }));
        return command;
    }

    private static Command StoreCommand()
    {
        var (host, port, calling, called) = Endpoint();
        var files = new Argument<string[]>("FILES") { Description = "DICOM files or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("store", "C-STORE files to a DICOM node over one association.") { host, port, files, calling, called };
        command.SetAction(async (result, cancellationToken) => await RunAsync(async () =>
        {
            var paths = result.GetRequiredValue(files)
                .SelectMany(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[path])
                .ToList();
            var outcomes = await Client(result, host, port, calling, called).StoreAsync(paths, cancellationToken);
            foreach (var outcome in outcomes)
            {
                Console.WriteLine($"{(outcome.Succeeded ? "stored" : "FAILED")} {outcome.Path}: {outcome.Status?.ToString() ?? outcome.Error}");
            }

            var failed = outcomes.Count(outcome => !outcome.Succeeded);
            Console.Error.WriteLine($"{outcomes.Count - failed} of {outcomes.Count} files stored.");
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command ScpCommand()
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on.", DefaultValueFactory = _ => 11112 };
        var aeTitle = new Option<string>("--aet") { Description = "This node's AE title.", DefaultValueFactory = _ => "GATEWAY" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for received instances.", Required = true };
        var bind = new Option<string>("--bind") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var noFsync = new Option<bool>("--no-fsync") { Description = "Do not flush each file to disk before answering Success." };
        var peers = new Option<DicomPeer[]>("--peer")
        {
            Description = "A C-MOVE destination, as AE=host:port (repeatable).",
            CustomParser = ParsePeers,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command(
            "scp",
            "Receive C-STORE, answer C-ECHO, C-FIND, C-MOVE and C-GET (patient and study root) over the instances in a folder (until Ctrl-C).")
        {
            port, aeTitle, output, bind, noFsync, peers,
        };
        command.SetAction(async (result, cancellationToken) => await RunAsync(async () =>
        {
            using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.SingleLine = true));
            var archive = new DicomFolderArchive(result.GetRequiredValue(output).FullName, flushToDisk: !result.GetValue(noFsync));
            var destinations = result.GetValue(peers) ?? [];
            var options = new DicomServerOptions
            {
                AETitle = result.GetRequiredValue(aeTitle),
                Port = result.GetValue(port),
                BindAddress = System.Net.IPAddress.Parse(result.GetRequiredValue(bind)),
            };
            await using var server = new DicomServer(options, _ => new FolderArchiveProvider(archive, destinations), loggerFactory.CreateLogger<DicomServer>());
            server.Start();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop serving.
            }

            return 0;
        }));
        return command;
    }

    private static (Argument<string> Host, Argument<int> Port, Option<string> Calling, Option<string> Called) Endpoint() =>
    (
        new Argument<string>("HOST") { Description = "Host name or address of the DICOM node." },
        new Argument<int>("PORT") { Description = "Its DICOM port." },
        new Option<string>("--aet") { Description = "Our (calling) AE title.", DefaultValueFactory = _ => "GATEWAY" },
        new Option<string>("--aec") { Description = "Its (called) AE title.", DefaultValueFactory = _ => "ANY-SCP" });

    /// <summary>Parses each "AE=host:port" (the host may be an IPv6 address in brackets).</summary>
    private static DicomPeer[] ParsePeers(System.CommandLine.Parsing.ArgumentResult result)
    {
        var peers = new List<DicomPeer>();
        foreach (var text in result.Tokens.Select(token => token.Value))
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            var colon = text.LastIndexOf(':');
            if (equals <= 0 || colon <= equals + 1 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                result.AddError($"'{text}' is not a peer; write AE=host:port, e.g. STORESCP=127.0.0.1:11113.");
                continue;
            }

            peers.Add(new DicomPeer(text[..equals], text[(equals + 1)..colon].Trim('[', ']'), port));
        }

        return [.. peers];
    }

    private static DicomClient Client(ParseResult result, Argument<string> host, Argument<int> port, Option<string> calling, Option<string> called) =>
        new(result.GetRequiredValue(host), result.GetValue(port), result.GetRequiredValue(called), new DicomClientOptions { CallingAE = result.GetRequiredValue(calling) });

    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (exception is DicomException or IOException or FormatException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }
}
