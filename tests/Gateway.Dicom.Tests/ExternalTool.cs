using System.Diagnostics;

namespace Gateway.Dicom.Tests;

/// <summary>Runs the independent tools the tests compare against (DCMTK, pydicom, OpenJPEG tools).</summary>
internal static class ExternalTool
{
    public const string DebianPython = "/usr/bin/python3";

    /// <summary>Runs a program to completion; fails the test with the apt package to install when it is missing.</summary>
    public static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> arguments, string aptPackage, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{program} is not installed (apt-get install {aptPackage}; the README's test command installs it).", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} did not finish in time.");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }
}
