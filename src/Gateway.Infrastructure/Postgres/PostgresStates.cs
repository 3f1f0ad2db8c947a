using Gateway.Core.Archive;

namespace Gateway.Infrastructure.Postgres;

/// <summary>The text forms of instance states and storage kinds in the schema (migrations/0001_archive.sql).</summary>
internal static class PostgresStates
{
    public static InstanceState Parse(string state) => state switch
    {
        "receiving" => InstanceState.Receiving,
        "stored" => InstanceState.Stored,
        "compressed" => InstanceState.Compressed,
        _ => throw new InvalidOperationException($"Unknown instance state '{state}'."),
    };

    public static StorageKind ParseKind(string kind) => kind switch
    {
        "original" => StorageKind.Original,
        "lossless" => StorageKind.Lossless,
        "latent" => StorageKind.Latent,
        "header" => StorageKind.Header,
        "j2k-lossy" => StorageKind.J2kLossy,
        "latent+residual" => StorageKind.LatentResidual,
        "ai-latent" => StorageKind.AiLatent,
        "latent3d" => StorageKind.Latent3D,
        _ => throw new InvalidOperationException($"Unknown object kind '{kind}'."),
    };

    public static string Format(StorageKind kind) => kind switch
    {
        StorageKind.Original => "original",
        StorageKind.Lossless => "lossless",
        StorageKind.Latent => "latent",
        StorageKind.Header => "header",
        StorageKind.J2kLossy => "j2k-lossy",
        StorageKind.LatentResidual => "latent+residual",
        StorageKind.AiLatent => "ai-latent",
        StorageKind.Latent3D => "latent3d",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
