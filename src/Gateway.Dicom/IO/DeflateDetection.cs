using System.IO.Compression;

namespace Gateway.Dicom.IO;

/// <summary>Opens the Deflate stream of a deflated transfer syntax, tolerating writers that add a zlib header.</summary>
internal static class DeflateDetection
{
    public static Stream Open(Stream compressed)
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
        return zlibHeader ? new ZLibStream(prefixed, CompressionMode.Decompress) : new DeflateStream(prefixed, CompressionMode.Decompress);
    }
}
