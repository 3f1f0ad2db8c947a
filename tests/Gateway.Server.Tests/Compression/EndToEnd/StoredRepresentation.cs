using System.Text.Json;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// What the index recorded for an instance after its compress job (read with SQL, not through the gateway): its state,
/// the representation stored, the PSNR and maximum absolute error measured on the decode of the stored bytes, its
/// objects, and the compression_candidates JSON of what was tried.
/// </summary>
internal sealed record StoredRepresentation(
    string State,
    string? Compression,
    double? Psnr,
    int? MaxAbsError,
    IReadOnlyList<(string Kind, string Key, string Codec, long Size, string Sha256, string? Model)> Objects,
    JsonElement Candidates)
{
    public static async Task<StoredRepresentation> ReadAsync(CompressionGateway gateway, string sopInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var (state, compression, psnr, objects) = await gateway.InstanceAsync(sopInstanceUid);
        await using var database = gateway.Gateway.OpenDatabase();
        await using var command = database.CreateCommand("select max_abs_error, compression_candidates::text from instances where sop_instance_uid = @uid");
        command.Parameters.AddWithValue("uid", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken), $"{sopInstanceUid} is not indexed");
        int? maxAbsError = reader.IsDBNull(0) ? null : reader.GetInt32(0);
        using var candidates = JsonDocument.Parse(reader.IsDBNull(1) ? "null" : reader.GetString(1));
        return new StoredRepresentation(state, compression, psnr, maxAbsError, objects, candidates.RootElement.Clone());
    }

    /// <summary>The size of the object that serves the representation (not the AI latent kept beside it).</summary>
    public long ServedBytes => Assert.Single(Objects, o => o.Kind == Compression).Size;

    public string[] Kinds => [.. Objects.Select(o => o.Kind).Order(StringComparer.Ordinal)];
}
