using System.Security.Cryptography;
using System.Text;

namespace Gateway.Server.DicomWeb.Http;

/// <summary>
/// Writes a multipart/related body (RFC 2387) part by part straight to a stream: each part's headers, then its
/// content copied from a stream or a buffer, so no part is held whole unless its producer holds it.
/// </summary>
internal sealed class MultipartRelatedWriter(Stream output)
{
    private bool _started;

    /// <summary>A fresh boundary: random, and never found in DICOM data by accident.</summary>
    public string Boundary { get; } = "gateway-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The Content-Type of the whole body for parts of <paramref name="partType"/>.</summary>
    public string ContentType(string partType, string? transferSyntax = null) =>
        $"multipart/related; type=\"{partType}\"; boundary={Boundary}" + (transferSyntax is null ? string.Empty : $"; transfer-syntax={transferSyntax}");

    public async Task WritePartAsync(string contentType, Stream content, CancellationToken cancellationToken, string? contentLocation = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WritePartHeaderAsync(contentType, contentLocation, cancellationToken).ConfigureAwait(false);
        await content.CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
    }

    public async Task WritePartAsync(string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken, string? contentLocation = null)
    {
        await WritePartHeaderAsync(contentType, contentLocation, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One part whose content comes in pieces (frame after frame), each written as the sequence produces it.</summary>
    public async Task WritePartAsync(string contentType, IEnumerable<ReadOnlyMemory<byte>> pieces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        await WritePartHeaderAsync(contentType, null, cancellationToken).ConfigureAwait(false);
        foreach (var piece in pieces)
        {
            await output.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The closing boundary; a body with no parts still gets one, so that it parses.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var close = (_started ? "\r\n" : string.Empty) + "--" + Boundary + "--\r\n";
        await output.WriteAsync(Encoding.ASCII.GetBytes(close), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WritePartHeaderAsync(string contentType, string? contentLocation, CancellationToken cancellationToken)
    {
        var header = new StringBuilder();
        header.Append(_started ? "\r\n--" : "--").Append(Boundary).Append("\r\n");
        header.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (contentLocation is not null)
        {
            header.Append("Content-Location: ").Append(contentLocation).Append("\r\n");
        }

        header.Append("\r\n");
        _started = true;
        await output.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), cancellationToken).ConfigureAwait(false);
    }
}
