using System.Diagnostics;

namespace Gateway.Dicom.Tests.Text;

/// <summary>Runs an oracle program and returns its standard output; fails the test with the apt package to install when the program is missing.</summary>
internal static class ExternalTool
{
    public static string Run(string program, IEnumerable<string> arguments, string aptPackages, string? standardInput = null)
    {
        if (!File.Exists(program))
        {
            Assert.Fail($"{program} is missing; install it with: apt-get install {aptPackages}");
        }

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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode} (is {aptPackages} installed?):\n{error.Result}");
        }

        return output.Result;
    }
}
