using Gateway.Dicom.Network;

namespace Gateway.Server.Hosting;

/// <summary>Parses the "AE=host:port" peer settings.</summary>
public static class PeerList
{
    public static IReadOnlyList<DicomPeer> Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Select(Parse).ToList();
    }

    public static DicomPeer Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        var colon = entry.LastIndexOf(':');
        if (equals <= 0 || colon <= equals + 1 || !int.TryParse(entry.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"Peer '{entry}' is not of the form AE=host:port.");
        }

        return new DicomPeer(entry[..equals].Trim(), entry[(equals + 1)..colon].Trim(), port);
    }
}
