using System.Text.Json;
using Gateway.Core.Compression;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>
/// instances.compression_candidates (migrations/0006_representations.sql, stored compressed since 0008): the target and
/// every candidate the compress job tried, as {"reason", "representation", "target": {minPsnr, minSsim, maxAbsError,
/// maxRatio}, "candidates": [{representation, bytes, extraBytes, psnr, ssim, maxAbsError, qualifies, note}]}. Kept
/// small, as every instance has one: members without a value are left out (a target it does not set, a quality not
/// measured, a PSNR that is not finite because the pixels are identical, extraBytes 0, no note), PSNR is rounded to
/// 0.001 dB and SSIM to 0.0001 (the instance's own psnr and ssim columns keep the exact values).
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
            writer.WriteString("representation", PostgresStates.Format(outcome.Replacement.Kind));
            if (outcome.Target is { } target)
            {
                writer.WriteStartObject("target");
                Number(writer, "minPsnr", target.MinPsnr, 3);
                Number(writer, "minSsim", target.MinSsim, 4);
                Number(writer, "maxAbsError", target.MaxAbsError, 0);
                Number(writer, "maxRatio", target.MaxRatio, 3);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("candidates");
            foreach (var trial in outcome.Trials)
            {
                writer.WriteStartObject();
                writer.WriteString("representation", trial.Representation);
                writer.WriteNumber("bytes", trial.Bytes);
                if (trial.ExtraBytes != 0)
                {
                    writer.WriteNumber("extraBytes", trial.ExtraBytes);
                }

                Number(writer, "psnr", trial.Psnr, 3);
                Number(writer, "ssim", trial.Ssim, 4);
                Number(writer, "maxAbsError", trial.MaxAbsError, 0);
                writer.WriteBoolean("qualifies", trial.Qualifies);
                if (trial.Note is { } note)
                {
                    writer.WriteString("note", note);
                }
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value, int decimals)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, Math.Round(number, decimals));
        }
    }
}
