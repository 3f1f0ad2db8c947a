using System.Buffers.Binary;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// Puts an instance into the state the compress job leaves it in: a lossless or latent object written to the object
/// store and indexed, the original's row and object deleted, the instance marked compressed.
/// </summary>
internal static class StoredForms
{
    /// <summary>The file as a JPEG-LS lossless DICOM file (the lossless object kind).</summary>
    public static byte[] JpegLsLossless(string path)
    {
        var file = new DicomTranscoder().Transcode(DicomFile.Open(path), DicomTransferSyntax.JpegLSLossless);
        using var buffer = new MemoryStream();
        file.Save(buffer);
        return buffer.ToArray();
    }

    /// <summary>The stored values of every frame of a monochrome file (what the compress job hands the engine).</summary>
    public static PixelFrames Pixels(string path)
    {
        var file = DicomFile.Open(path);
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var info = pixelData.Info;
        var values = new int[info.PixelCount * pixelData.NumberOfFrames];
        for (var frame = 0; frame < pixelData.NumberOfFrames; frame++)
        {
            var bytes = StoredPixelValues.Frame(pixelData, frame, DicomCodecRegistry.Default);
            for (var i = 0; i < info.PixelCount; i++)
            {
                var raw = info.BitsAllocated == 8 ? bytes[i] : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2));
                var shift = 32 - info.BitsStored;
                values[(frame * info.PixelCount) + i] = info.IsSigned ? (raw << shift) >> shift : (int)((uint)(raw << shift) >> shift);
            }
        }

        return new PixelFrames(info.Rows, info.Columns, pixelData.NumberOfFrames, info.BitsAllocated, info.BitsStored, info.IsSigned, values);
    }

    /// <summary>Replaces the original of <paramref name="sopInstanceUid"/> by <paramref name="content"/> as an object of <paramref name="kind"/>.</summary>
    public static async Task<StoredObject> ReplaceOriginalAsync(GatewayInstance gateway, string sopInstanceUid, StorageKind kind, byte[] content, string codec, string? modelId)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var objects = gateway.Services.GetRequiredService<IObjectStore>();
        await using var database = gateway.OpenDatabase();
        long instanceId;
        string originalKey;
        await using (var find = database.CreateCommand(
            "select i.id, o.object_key from instances i join objects o on o.instance_fk = i.id and o.kind = 'original' where i.sop_instance_uid = @uid"))
        {
            find.Parameters.AddWithValue("uid", sopInstanceUid);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            Assert.True(await reader.ReadAsync(cancellationToken), $"{sopInstanceUid} has no original object.");
            (instanceId, originalKey) = (reader.GetInt64(0), reader.GetString(1));
        }

        var key = $"{kind.ToString().ToLowerInvariant()}-{sopInstanceUid}.{Guid.NewGuid():N}";
        var stored = await objects.PutAsync(key, new MemoryStream(content), cancellationToken);
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var command = new Npgsql.NpgsqlCommand(
                """
                insert into models (id, sha256, factor, channels, card_psnr)
                select @model, @modelSha, @factor, @channels, @cardPsnr where @model::text is not null
                on conflict (id) do nothing;
                insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id) values (@id, @kind, @key, @codec, @size, @sha, @model);
                delete from objects where instance_fk = @id and kind = 'original';
                update instances set state = 'compressed' where id = @id;
                """,
                connection,
                transaction);
            command.Parameters.AddWithValue("id", instanceId);
            command.Parameters.AddWithValue("kind", kind.ToString().ToLowerInvariant());
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("codec", codec);
            command.Parameters.AddWithValue("size", stored.Size);
            command.Parameters.AddWithValue("sha", stored.Sha256);
            command.Parameters.AddWithValue("model", (object?)modelId ?? DBNull.Value);
            // A latent names its model, which the models table must hold (the gateway registers its models at start-up
            // only with compression on): the engine's own description of it.
            var model = gateway.Services.GetRequiredService<ILatentEngine>().Models.FirstOrDefault(info => info.Id == modelId);
            command.Parameters.AddWithValue("modelSha", model?.Sha256 ?? new string('0', 64));
            command.Parameters.AddWithValue("factor", model?.Factor ?? 1);
            command.Parameters.AddWithValue("channels", model?.LatentChannels ?? 1);
            command.Parameters.AddWithValue("cardPsnr", (object?)model?.CardPsnr ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await objects.DeleteAsync(originalKey, cancellationToken);
        return stored;
    }

    /// <summary>Stores a file through the gateway's ingest (as a C-STORE or STOW-RS would).</summary>
    public static async Task StoreAsync(GatewayInstance gateway, string path)
    {
        var ingest = gateway.Services.GetRequiredService<IngestService>();
        await using var stream = File.OpenRead(path);
        var result = await ingest.StoreFileAsync(stream, null, TestContext.Current.CancellationToken);
        Assert.True(result.Outcome == IngestOutcome.Stored, $"{path} was not stored: {result.Message}");
    }
}
