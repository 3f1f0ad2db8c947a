namespace Gateway.Core.Compression;

/// <summary>
/// A form the compress job can store an instance's pixels in (Gateway:Compression:Rules:N:Representations), from the
/// fewest bytes to the most as a rule of thumb. Lossless always qualifies and is the fallback of every lossy rule.
/// </summary>
public enum Representation
{
    /// <summary>The MedVAE latent alone ("latent").</summary>
    Latent,

    /// <summary>The latent plus the coded difference between the original and the latent's reconstruction ("latent+residual").</summary>
    LatentResidual,

    /// <summary>JPEG 2000 irreversible (9/7) at the rate that just meets the target ("j2k-lossy", 1.2.840.10008.1.2.4.91).</summary>
    J2kLossy,

    /// <summary>JPEG-LS lossless, else JPEG 2000 lossless ("lossless").</summary>
    Lossless,
}

/// <summary>The names representations have in PostgreSQL, /api/stats, /metrics and logs (CONTRACT.md).</summary>
public static class RepresentationNames
{
    public const string Latent = "latent";
    public const string LatentResidual = "latent+residual";
    public const string J2kLossy = "j2k-lossy";
    public const string Lossless = "lossless";

    public static string Name(this Representation representation) => representation switch
    {
        Representation.Latent => Latent,
        Representation.LatentResidual => LatentResidual,
        Representation.J2kLossy => J2kLossy,
        Representation.Lossless => Lossless,
        _ => throw new ArgumentOutOfRangeException(nameof(representation), representation, null),
    };

    /// <summary>Whether the representation needs a latent model.</summary>
    public static bool UsesModel(this Representation representation) => representation is Representation.Latent or Representation.LatentResidual;
}
