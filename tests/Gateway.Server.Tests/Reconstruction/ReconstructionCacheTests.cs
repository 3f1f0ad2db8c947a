using System.Diagnostics;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>The reconstruction cache on disk: size bound with least-recently-used eviction, verified entries, atomic writes.</summary>
public sealed class ReconstructionCacheTests : IDisposable
{
    private const int EntryOverhead = 40;
    private readonly string _folder = Directory.CreateTempSubdirectory("reconstruction-cache-").FullName;

    private FileReconstructionCache Cache(long maxBytes) => new(_folder, maxBytes, NullLogger<FileReconstructionCache>.Instance);

    private static byte[] Content(byte fill, int length = 1000) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void An_entry_reads_back_as_written_and_a_different_latent_hash_misses()
    {
        var cache = Cache(1 << 20);
        cache.Put("1.2.3", "aa", Content(7), Stopwatch.GetTimestamp());
        Assert.Equal(Content(7), cache.TryGet("1.2.3", "aa"));
        Assert.Null(cache.TryGet("1.2.3", "bb"));
        Assert.Null(cache.TryGet("1.2.4", "aa"));
    }

    [Fact]
    public void Before_its_folder_exists_a_lookup_is_a_miss_that_logs_nothing_and_the_first_entry_makes_the_folder()
    {
        var folder = Path.Combine(_folder, "not-yet");
        using var logs = new LogCapture();
        using var factory = new LoggerFactory([logs]);
        var cache = new FileReconstructionCache(folder, 1 << 20, factory.CreateLogger<FileReconstructionCache>());

        Assert.Null(cache.TryGet("1.2.3", "aa"));
        Assert.Empty(logs.Entries);

        cache.Put("1.2.3", "aa", Content(7), Stopwatch.GetTimestamp());
        Assert.Equal(Content(7), cache.TryGet("1.2.3", "aa"));
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void Beyond_the_size_limit_the_least_recently_used_entries_are_evicted()
    {
        var cache = Cache(3 * (1000 + EntryOverhead));
        cache.Put("1", "h", Content(1), Stopwatch.GetTimestamp());
        cache.Put("2", "h", Content(2), Stopwatch.GetTimestamp());
        cache.Put("3", "h", Content(3), Stopwatch.GetTimestamp());
        File.SetLastWriteTimeUtc(PathOf("1"), DateTime.UtcNow.AddHours(-3));
        File.SetLastWriteTimeUtc(PathOf("2"), DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(PathOf("3"), DateTime.UtcNow.AddHours(-1));

        // Reading "1" makes it the most recently used; "2" is then the oldest.
        Assert.NotNull(cache.TryGet("1", "h"));
        cache.Put("4", "h", Content(4), Stopwatch.GetTimestamp());

        Assert.Equal(3, Directory.GetFiles(_folder).Length);
        Assert.Null(cache.TryGet("2", "h"));
        Assert.NotNull(cache.TryGet("3", "h"));
        Assert.NotNull(cache.TryGet("1", "h"));
        Assert.NotNull(cache.TryGet("4", "h"));
        Assert.True(cache.TotalBytes <= 3 * (1000 + EntryOverhead));
    }

    [Fact]
    public void A_corrupted_or_truncated_entry_is_not_served_and_is_removed()
    {
        var cache = Cache(1 << 20);
        cache.Put("flipped", "h", Content(5), Stopwatch.GetTimestamp());
        cache.Put("cut", "h", Content(6), Stopwatch.GetTimestamp());
        var flipped = PathOf("flipped");
        var bytes = File.ReadAllBytes(flipped);
        bytes[^10] ^= 0x01;
        File.WriteAllBytes(flipped, bytes);
        var cut = PathOf("cut");
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..500]);

        Assert.Null(cache.TryGet("flipped", "h"));
        Assert.Null(cache.TryGet("cut", "h"));
        Assert.False(File.Exists(flipped));
        Assert.False(File.Exists(cut));

        cache.Put("flipped", "h", Content(5), Stopwatch.GetTimestamp());
        Assert.Equal(Content(5), cache.TryGet("flipped", "h"));
    }

    [Fact]
    public void A_decode_that_began_before_a_removal_keeps_nothing_and_a_later_one_is_kept()
    {
        var cache = Cache(1 << 20);
        var before = Stopwatch.GetTimestamp();
        cache.Remove("deleted", "h");
        cache.Put("deleted", "h", Content(3), before);
        Assert.False(File.Exists(PathOf("deleted")));
        Assert.Empty(Directory.GetFiles(_folder));

        cache.Put("deleted", "h", Content(3), Stopwatch.GetTimestamp());
        Assert.Equal(Content(3), cache.TryGet("deleted", "h"));
    }

    [Fact]
    public void Temporary_files_left_by_an_interrupted_write_are_removed_and_not_counted()
    {
        File.WriteAllBytes(Path.Combine(_folder, "abc.rc.0123.tmp"), Content(9, 5000));
        var cache = Cache(1 << 20);
        Assert.Equal(0, cache.TotalBytes);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_limit_of_zero_caches_nothing_and_an_entry_larger_than_the_limit_is_not_kept()
    {
        var off = Cache(0);
        off.Put("1", "h", Content(1), Stopwatch.GetTimestamp());
        Assert.Null(off.TryGet("1", "h"));
        Assert.Empty(Directory.GetFiles(_folder));

        var small = Cache(500);
        small.Put("1", "h", Content(1), Stopwatch.GetTimestamp());
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private string PathOf(string uid)
    {
        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{uid}\nh")));
        return Path.Combine(_folder, name + ".rc");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
