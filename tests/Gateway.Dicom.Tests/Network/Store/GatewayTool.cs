using System.Reflection;

namespace Gateway.Dicom.Tests.Network;

/// <summary>The `gateway` executable built beside the tests (same configuration), run as an administrator would.</summary>
internal static class GatewayTool
{
    public static string Path { get; } = Locate();

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        PeerProcess.RunAsync(Path, arguments, "(none: build src/Gateway.Server)");

    private static string Locate()
    {
        var configuration = typeof(GatewayTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = System.IO.Path.Combine(TestData.RepositoryRoot, "src", "Gateway.Server", "bin", configuration, "net10.0", "gateway");
        Assert.True(File.Exists(path), $"{path} is missing: the test project builds src/Gateway.Server first (dotnet build tests/Gateway.Dicom.Tests).");
        return path;
    }
}
