using System.Security.Cryptography;
using Npgsql;

namespace Gateway.Server.Tests;

/// <summary>Looks at what a gateway holds, straight from its database and its objects folder (not through its APIs).</summary>
public sealed class ArchiveProbe(string connectionString, string dataDirectory)
{
    public string ObjectsDirectory => Path.Combine(dataDirectory, "objects");

    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>Rows of instances (any state) and objects, and object files (outside the temporary folder).</summary>
    public async Task<(long Instances, long Objects, int Files)> CountAsync()
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand("select (select count(*) from instances), (select count(*) from objects)");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), ObjectFiles().Count);
    }

    /// <summary>Paths of every object file (outside the temporary folder).</summary>
    public IReadOnlyList<string> ObjectFiles() =>
        Directory.Exists(ObjectsDirectory)
            ? Directory.EnumerateFiles(ObjectsDirectory, "*", SearchOption.AllDirectories)
                .Where(path => !Path.GetRelativePath(ObjectsDirectory, path).StartsWith(".tmp", StringComparison.Ordinal))
                .ToList()
            : [];

    /// <summary>The stored state, original object key and recorded SHA-256 of an instance; null when not indexed.</summary>
    public async Task<(string State, string? Key, string? Sha256)?> FindAsync(string sopInstanceUid)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var command = database.CreateCommand(
            """
            select i.state, o.object_key, o.sha256 from instances i
            left join objects o on o.instance_fk = i.id and o.kind = 'original'
            where i.sop_instance_uid = @uid
            """);
        command.Parameters.AddWithValue("uid", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        if (!await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            return null;
        }

        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>The file holding an object (the folder store names files by key).</summary>
    public string ObjectPath(string key) => ObjectFiles().Single(path => Path.GetFileName(path) == key);

    /// <summary>Asserts the instance is stored, its object file has exactly the bytes of <paramref name="original"/>, and the index records their SHA-256.</summary>
    public async Task AssertStoredBitExactAsync(string sopInstanceUid, string original)
    {
        var found = await FindAsync(sopInstanceUid);
        Assert.True(found is not null, $"{sopInstanceUid} ({original}) is not in the index.");
        var (state, key, sha256) = found.Value;
        Assert.Equal("stored", state);
        Assert.NotNull(key);
        var expected = Sha256Of(original);
        Assert.Equal(expected, sha256);
        var stored = ObjectPath(key);
        Assert.Equal(new FileInfo(original).Length, new FileInfo(stored).Length);
        Assert.Equal(expected, Sha256Of(stored));
    }

    /// <summary>
    /// For C-STORE, where the gateway writes its own File Meta Information: the instance is stored, its object's
    /// SHA-256 is the one the index records, and the data set after the meta group is byte for byte the file's.
    /// </summary>
    public async Task AssertStoredDataSetIdenticalAsync(string sopInstanceUid, string original)
    {
        var found = await FindAsync(sopInstanceUid);
        Assert.True(found is not null, $"{sopInstanceUid} ({original}) is not in the index.");
        var (state, key, sha256) = found.Value;
        Assert.Equal("stored", state);
        var stored = ObjectPath(key!);
        Assert.Equal(sha256, Sha256Of(stored));
        Assert.True(
            DataSetBytes(File.ReadAllBytes(original)).SequenceEqual(DataSetBytes(File.ReadAllBytes(stored))),
            $"the data set stored for {sopInstanceUid} differs from {original}");
    }

    /// <summary>A Part 10 file's bytes after the preamble, "DICM" and the meta group (whose length (0002,0000) gives).</summary>
    internal static ReadOnlySpan<byte> DataSetBytes(byte[] file)
    {
        Assert.True(file.AsSpan(128, 4).SequenceEqual("DICM"u8), "a Part 10 file");
        var groupLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(140, 4));
        return file.AsSpan(144 + (int)groupLength);
    }
}
