using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Compression.Container;

/// <summary>
/// What every version of the latent container shares: "MVLT", u16 version, u32 total length (including the
/// checksum), the body, then the SHA-256 of everything before it. Version 1 is a per-instance latent
/// (<see cref="LatentContainerFormat"/>), version 2 a series latent (<see cref="VolumeContainerFormat"/>).
/// </summary>
internal static class ContainerEnvelope
{
    public const int ChecksumLength = SHA256.HashSizeInBytes;
    public const int PreambleLength = 10;

    public static ReadOnlySpan<byte> Magic => "MVLT"u8;

    /// <summary>Writes the preamble of a <paramref name="version"/> container (its length patched by <see cref="Seal"/>).</summary>
    public static void WritePreamble(BinaryWriter writer, int version)
    {
        writer.Write(Magic);
        writer.Write((ushort)version);
        writer.Write(0);
    }

    /// <summary>The container bytes of a body written after <see cref="WritePreamble"/>: the length patched and the checksum appended.</summary>
    public static byte[] Seal(MemoryStream stream)
    {
        var length = checked((int)stream.Length + ChecksumLength);
        var bytes = new byte[length];
        stream.GetBuffer().AsSpan(0, (int)stream.Length).CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(6), length);
        SHA256.HashData(bytes.AsSpan(0, length - ChecksumLength), bytes.AsSpan(length - ChecksumLength));
        return bytes;
    }

    /// <summary>The body of a container of <paramref name="version"/>, after checking magic, version, length and checksum.</summary>
    /// <exception cref="LatentContainerException">The bytes are truncated, corrupted, not a container or of another version.</exception>
    public static ReadOnlySpan<byte> CheckedBody(ReadOnlySpan<byte> bytes, int version)
    {
        if (bytes.Length < Magic.Length)
        {
            throw new LatentContainerException(LatentContainerError.Truncated, $"A latent container of {bytes.Length} bytes is truncated: not even the magic is there.");
        }

        if (!bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new LatentContainerException(
                LatentContainerError.NotAContainer, $"Not a latent container: it starts with {Convert.ToHexString(bytes[..Magic.Length])}, not \"MVLT\".");
        }

        if (bytes.Length < PreambleLength + ChecksumLength)
        {
            throw new LatentContainerException(LatentContainerError.Truncated, $"A latent container of {bytes.Length} bytes is truncated.");
        }

        var found = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (found != version)
        {
            throw new LatentContainerException(
                LatentContainerError.UnsupportedVersion,
                $"Latent container format version {found} is not read here: this reader takes version {version} ({Kind(version)}); version {found} is {Kind(found)}.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[6..]);
        if (bytes.Length < length)
        {
            throw new LatentContainerException(LatentContainerError.Truncated, $"The latent container is truncated: {bytes.Length} of its {length} bytes are there.");
        }

        if (bytes.Length > length || length < PreambleLength + ChecksumLength)
        {
            throw new LatentContainerException(LatentContainerError.Corrupt, $"The latent container is {bytes.Length} bytes but says it is {length}.");
        }

        Span<byte> checksum = stackalloc byte[ChecksumLength];
        SHA256.HashData(bytes[..^ChecksumLength], checksum);
        if (!checksum.SequenceEqual(bytes[^ChecksumLength..]))
        {
            throw new LatentContainerException(LatentContainerError.ChecksumMismatch, "The latent container's SHA-256 checksum does not match its content: it is corrupted.");
        }

        return bytes[PreambleLength..^ChecksumLength];
    }

    private static string Kind(int version) => version switch
    {
        LatentContainerFormat.Version => "a per-instance latent",
        VolumeContainerFormat.Version => "a series latent",
        _ => "unknown to this gateway",
    };
}
