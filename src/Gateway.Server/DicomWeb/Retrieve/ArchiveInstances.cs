using Gateway.Core.Archive;
using Gateway.Core.Storage;
using Gateway.Dicom;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>What the retrieve endpoints read from the archive: the instances of a scope and the objects that hold them.</summary>
internal sealed class ArchiveInstances(IArchiveReader reader, IObjectStore objects)
{
    public Task<IReadOnlyList<ArchivedInstance>> LocateAsync(RetrieveScope scope, CancellationToken cancellationToken) =>
        reader.LocateAsync(scope, cancellationToken);

    public Task<IReadOnlyList<string>> ReadHeadersAsync(RetrieveScope scope, CancellationToken cancellationToken) =>
        reader.ReadHeadersAsync(scope, cancellationToken);

    /// <summary>The one instance a scope names, or null when the archive has no such instance.</summary>
    public async Task<ArchivedInstance?> FindAsync(string study, string series, string instance, CancellationToken cancellationToken)
    {
        var found = await reader.LocateAsync(new RetrieveScope(study, series, instance), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Opens the Part 10 object an instance is served from, for streaming as it is stored.</summary>
    public Task<Stream> OpenAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var serving = instance.Serving ?? throw new InvalidOperationException($"Instance {instance.SopInstanceUid} has no object.");
        return objects.OpenReadAsync(serving.Key, cancellationToken);
    }

    /// <summary>Whether the serving object holds the instance exactly as received (so its bytes may be streamed untouched).</summary>
    public static bool ServedAsReceived(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Serving?.Kind == StorageKind.Original;
    }

    /// <summary>Reads the whole instance (for transcoding, frames, rendering and bulk data).</summary>
    public async Task<DicomFile> ReadAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var stream = await OpenAsync(instance, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, 1 << 16, cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        return DicomFile.Read(buffer);
    }
}
