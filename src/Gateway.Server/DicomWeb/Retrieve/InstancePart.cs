using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// One instance ready to send as application/dicom: the file it is served as (the stored object's stream, never held
/// in memory, or a reconstruction) when that is what was chosen, else the instance transcoded into the chosen syntax.
/// </summary>
internal sealed class InstancePart(string transferSyntaxUid, Stream content) : IAsyncDisposable
{
    public string TransferSyntaxUid { get; } = transferSyntaxUid;

    public Stream Content { get; } = content;

    public string ContentType => DicomMediaTypes.WithSyntax(DicomMediaTypes.Dicom, TransferSyntaxUid);

    /// <param name="choice">A transfer syntax UID or <see cref="DicomSyntaxNegotiation.AsStored"/>.</param>
    /// <exception cref="DicomException">The instance cannot be transcoded into <paramref name="choice"/>.</exception>
    public static async Task<InstancePart> PrepareAsync(ArchivedInstance instance, string choice, RetrieveService archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(archive);
        if (choice == DicomSyntaxNegotiation.AsStored)
        {
            return new InstancePart(archive.ServedSyntax(instance), await archive.OpenAsync(instance, cancellationToken).ConfigureAwait(false));
        }

        var file = await archive.ReadAsync(instance, cancellationToken).ConfigureAwait(false);
        var target = DicomTransferSyntax.FromUid(choice);
        var result = target.Uid == file.TransferSyntax.Uid ? file : new DicomTranscoder().Transcode(file, target);
        var buffer = new MemoryStream();
        result.Save(buffer);
        buffer.Position = 0;
        return new InstancePart(target.Uid, buffer);
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
