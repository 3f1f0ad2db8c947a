using System.Security.Cryptography;
using System.Text;

namespace Gateway.Compression.Container;

/// <summary>
/// The identity of a series latent's slice order: the SHA-256 of its SOP Instance UIDs in slice order, each as ASCII
/// followed by one zero byte. A latent decoded against another order would serve each slice another instance's
/// pixels; 32 bytes check that instead of ~60 a UID.
/// </summary>
public static class SliceOrder
{
    public static byte[] Sha256(IReadOnlyList<string> sopInstanceUids)
    {
        ArgumentNullException.ThrowIfNull(sopInstanceUids);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var uid in sopInstanceUids)
        {
            hash.AppendData(Encoding.ASCII.GetBytes(uid));
            hash.AppendData([0]);
        }

        return hash.GetHashAndReset();
    }
}
