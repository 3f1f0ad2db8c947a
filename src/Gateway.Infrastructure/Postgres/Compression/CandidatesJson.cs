using System.Text.Json;
using Gateway.Core.Compression;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>
/// instances.compression_candidates (json, migrations/0006_representations.sql and 0009_compact_candidates.sql): why
/// the compress job chose what it chose, what it aimed at and every candidate it tried, as
/// <c>{"reason": R, "target": [minPsnr, minSsim, maxAbsError, maxRatio], "candidates": [[representation, bytes,
/// extraBytes, psnr, ssim, maxAbsError, qualifies, note], ...]}</c>. Positional, because every instance has one and
/// names repeated per candidate made the row too long to stay inline (PostgreSQL moves rows over ~2 KB into TOAST):
/// an unset target member, an unmeasured quality, a PSNR that is not finite because the pixels are identical and a
/// missing note are null; PSNR is rounded to 0.001 dB and SSIM to 0.0001 (the instance's own psnr and ssim columns
/// keep the exact values). The chosen representation is instances.compression. Rows written before migration 0009
/// keep the object form of 0006.
/// </summary>
internal static class CandidatesJson
{
    public static string Write(CompressionOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("reason", outcome.Reason);
            if (outcome.Target is { } target)
            {
                writer.WriteStartArray("target");
                Number(writer, target.MinPsnr, 3);
                Number(writer, target.MinSsim, 4);
                Number(writer, target.MaxAbsError, 0);
                Number(writer, target.MaxRatio, 3);
                writer.WriteEndArray();
            }

            writer.WriteStartArray("candidates");
            foreach (var trial in outcome.Trials)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(trial.Representation);
                writer.WriteNumberValue(trial.Bytes);
                writer.WriteNumberValue(trial.ExtraBytes);
                Number(writer, trial.Psnr, 3);
                Number(writer, trial.Ssim, 4);
                Number(writer, trial.MaxAbsError, 0);
                writer.WriteBooleanValue(trial.Qualifies);
                if (trial.Note is { } note)
                {
                    writer.WriteStringValue(note);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter writer, double? value, int decimals)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumberValue(Math.Round(number, decimals));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
