using System.Text.Json;
using Gateway.Core.Compression;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>
/// instances.compression_candidates (migrations/0006_representations.sql): the target and every candidate the compress
/// job tried, as {"reason", "target": {minPsnr, minSsim, maxAbsError, maxRatio}, "candidates": [{representation, bytes,
/// headerBytes, psnr, ssim, maxAbsError, qualifies, note}]}; a PSNR that is not finite (identical pixels) is written as null.
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
                Number(writer, "minPsnr", target.MinPsnr);
                Number(writer, "minSsim", target.MinSsim);
                Number(writer, "maxAbsError", target.MaxAbsError);
                Number(writer, "maxRatio", target.MaxRatio);
                writer.WriteEndObject();
            }

            writer.WriteStartArray("candidates");
            foreach (var trial in outcome.Trials)
            {
                writer.WriteStartObject();
                writer.WriteString("representation", trial.Representation);
                writer.WriteNumber("bytes", trial.Bytes);
                writer.WriteNumber("headerBytes", trial.HeaderBytes);
                Number(writer, "psnr", trial.Psnr);
                Number(writer, "ssim", trial.Ssim);
                Number(writer, "maxAbsError", trial.MaxAbsError);
                writer.WriteBoolean("qualifies", trial.Qualifies);
                writer.WriteString("note", trial.Note);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
