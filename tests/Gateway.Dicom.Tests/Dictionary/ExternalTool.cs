using System.Diagnostics;

namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>Runs the independent tools the dictionary tests compare against (DCMTK, pydicom, the generator).</summary>
internal static class ExternalTool
{
    /// <summary>Debian's interpreter; the python3 first on PATH may be a build without Debian's packages.</summary>
    public const string DebianPython = "/usr/bin/python3";

    public const string Dcmdump = "/usr/bin/dcmdump";

    /// <summary>
    /// Runs <paramref name="program"/> and returns its standard output. Fails the test, naming the Debian
    /// package to install, when the program is missing, and with its standard error when it fails.
    /// </summary>
    public static async Task<string> RunAsync(string program, string aptPackage, params string[] arguments)
    {
        if (!File.Exists(program))
        {
            Assert.Fail($"{program} is missing; install Debian's {aptPackage} package (apt-get install {aptPackage}).");
        }

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var cancellationToken = TestContext.Current.CancellationToken;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
