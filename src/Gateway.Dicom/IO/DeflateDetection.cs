using System.IO.Compression;

namespace Gateway.Dicom.IO;

/// <summary>Opens the Deflate stream of a deflated transfer syntax, tolerating writers that add a zlib header.</summary>
internal static class DeflateDetection
{
    /// <summary>The inflated bytes, guarded (see <see cref="InflateGuardStream"/>): at most <paramref name="maxInflatedLength"/> of them.</summary>
    public static Stream Open(Stream compressed, long maxInflatedLength)
    {
        Span<byte> head = stackalloc byte[2];
        var count = 0;
        while (count < 2)
        {
            var read = compressed.Read(head[count..]);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        var prefixed = new PrefixedStream(head[..count].ToArray(), compressed);
        var zlibHeader = count == 2 && (head[0] & 0x0F) == 8 && ((head[0] << 8) | head[1]) % 31 == 0;
        Stream inflater = zlibHeader ? new ZLibStream(prefixed, CompressionMode.Decompress) : new DeflateStream(prefixed, CompressionMode.Decompress);
        return new InflateGuardStream(inflater, maxInflatedLength);
    }
}
