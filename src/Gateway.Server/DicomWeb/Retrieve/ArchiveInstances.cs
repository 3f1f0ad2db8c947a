using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Server.Reconstruction;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>What the retrieve endpoints read from the archive: the instances of a scope, their headers, and their files (through <see cref="InstanceSource"/>).</summary>
internal sealed class ArchiveInstances(IArchiveReader reader, InstanceSource source)
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

    /// <summary>Opens the Part 10 file an instance is served as, in <see cref="InstanceSource.ServedSyntax"/>.</summary>
    public Task<Stream> OpenAsync(ArchivedInstance instance, CancellationToken cancellationToken) => source.OpenAsync(instance, cancellationToken);

    /// <summary>The header object of an instance served from its latent, or null (see <see cref="InstanceSource.ReadKeptHeaderAsync"/>).</summary>
    public Task<DicomFile?> ReadKeptHeaderAsync(ArchivedInstance instance, CancellationToken cancellationToken) => source.ReadKeptHeaderAsync(instance, cancellationToken);

    /// <summary>Reads the whole instance (for transcoding, frames, rendering and bulk data).</summary>
    public Task<DicomFile> ReadAsync(ArchivedInstance instance, CancellationToken cancellationToken) => source.ReadAsync(instance, cancellationToken);
}
