using System.Security.Cryptography;
using System.Text;

namespace Gateway.Core.Security;

/// <summary>
/// A stored password: PBKDF2 with HMAC-SHA256 (OWASP's 2023 advice: at least 600,000 iterations), a 16-byte random
/// salt and a 32-byte hash; the algorithm and iteration count are stored with it, so a later, slower setting can
/// verify older rows.
/// </summary>
public sealed record PasswordHash(string Algorithm, int Iterations, byte[] Salt, byte[] Hash)
{
    public const string Pbkdf2Sha256 = "PBKDF2-SHA256";

    public const int DefaultIterations = 600_000;

    private const int SaltBytes = 16;

    private const int HashBytes = 32;

    public static PasswordHash Create(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(Pbkdf2Sha256, DefaultIterations, salt, Derive(password, salt, DefaultIterations));
    }

    /// <summary>Whether <paramref name="password"/> is the one hashed here (compared in constant time).</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (Algorithm != Pbkdf2Sha256)
        {
            throw new InvalidDataException($"Unknown password hash algorithm {Algorithm}.");
        }

        return CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);
    }

    /// <summary>A new random password of 24 base64url characters (144 bits).</summary>
    public static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
