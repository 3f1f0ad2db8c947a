using System.Security.Cryptography;
using System.Text;

namespace Gateway.Core.Security;

/// <summary>
/// The API key format: "mvg_" and 43 base64url characters (32 random bytes). Keys are stored as their SHA-256: a
/// key of 256 random bits cannot be guessed from its hash, so no slow KDF is needed (the one a password would need).
/// </summary>
public static class ApiKeySecret
{
    public const string Marker = "mvg_";

    /// <summary>Characters of the key kept in clear (marker and the first 8 of the secret) so admins can tell keys apart.</summary>
    public const int PrefixLength = 12;

    public static string Generate()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Marker + secret;
    }

    public static bool LooksLikeKey(string key) => key.StartsWith(Marker, StringComparison.Ordinal) && key.Length == Marker.Length + 43;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string PrefixOf(string key) => key[..PrefixLength];
}
