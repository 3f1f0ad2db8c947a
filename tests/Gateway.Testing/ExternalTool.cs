using Xunit;

using System.Diagnostics;

namespace Gateway.Testing;

/// <summary>Runs the independent tools the tests compare against (DCMTK, pydicom, dicom3tools, OpenJPEG tools).</summary>
public static class ExternalTool
{
    /// <summary>Debian's interpreter: the python3 first on PATH may be a build without Debian's packages.</summary>
    public const string DebianPython = "/usr/bin/python3";

    /// <summary>Runs a program to completion; fails the test naming the apt package to install when it is missing.</summary>
    public static (int ExitCode, string Output, string Error) Run(
        string program, IEnumerable<string> arguments, string aptPackage, string? standardInput = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
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
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{program} is not installed (apt-get install {aptPackage}; the README's test command installs it).");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
            {
                process.StandardInput.Write(standardInput);
                process.StandardInput.Close();
            }

            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time.");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Runs a program that must succeed and returns its standard output; a failure fails the test with its standard error.</summary>
    public static string RunChecked(string program, IEnumerable<string> arguments, string aptPackage, string? standardInput = null)
    {
        var (exitCode, output, error) = Run(program, arguments, aptPackage, standardInput);
        if (exitCode != 0)
        {
            Assert.Fail($"{program} {string.Join(' ', arguments)} exited with {exitCode} (it needs {aptPackage}):\n{error}");
        }

        return output;
    }
}
