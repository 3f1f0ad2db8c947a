using System.Text;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>A multipart/related body written by hand (RFC 2046 framing), so tests can also break it on purpose.</summary>
internal static class MultipartBody
{
    public const string Boundary = "stow-test-boundary-4f1c";

    /// <summary>The parts, each with its Content-Type, between delimiters, then the closing delimiter.</summary>
    public static byte[] Build(IEnumerable<(string ContentType, byte[] Content)> parts, string boundary = Boundary, bool close = true)
    {
        using var body = new MemoryStream();
        foreach (var (contentType, content) in parts)
        {
            Write(body, $"--{boundary}\r\nContent-Type: {contentType}\r\n\r\n");
            body.Write(content);
            Write(body, "\r\n");
        }

        if (close)
        {
            Write(body, $"--{boundary}--\r\n");
        }

        return body.ToArray();
    }

    public static byte[] OfFiles(IEnumerable<string> paths, string boundary = Boundary) =>
        Build(paths.Select(path => ("application/dicom", File.ReadAllBytes(path))), boundary);

    /// <summary>Streams the files as a multipart body without knowing its length (sent chunked).</summary>
    public static async Task WriteFilesAsync(Stream output, IEnumerable<string> paths, string boundary, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n"), cancellationToken);
            await using (var file = File.OpenRead(path))
            {
                await file.CopyToAsync(output, cancellationToken);
            }

            await output.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        await output.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), cancellationToken);
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));
}
