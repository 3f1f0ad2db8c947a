using Xunit;

namespace Gateway.Testing;

/// <summary>
/// Locates the real images in ../shared/data beside the repository (or GATEWAY_SHARED_DATA).
/// Tests that need them call <see cref="RequireSharedData"/>, which skips the test with a clear
/// message on a machine that does not have them.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string?> SharedDataRoot = new(FindSharedData);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string? SharedData => SharedDataRoot.Value;

    /// <summary>The absolute path of a file or folder under shared/data; skips the test when it is absent.</summary>
    public static string RequireSharedData(string relativePath = "")
    {
        var root = SharedData;
        if (root is null)
        {
            Assert.Skip("../shared/data is not present on this machine (set GATEWAY_SHARED_DATA to point at it); skipping a test that needs real images.");
        }

        var path = Path.Combine(root, relativePath);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Skip($"{path} is not present in shared/data; skipping.");
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find Gateway.sln above " + AppContext.BaseDirectory);
    }

    private static string? FindSharedData()
    {
        var configured = Environment.GetEnvironmentVariable("GATEWAY_SHARED_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var besideRepository = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
        return Directory.Exists(besideRepository) ? besideRepository : null;
    }
}
