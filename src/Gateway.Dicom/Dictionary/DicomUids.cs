namespace Gateway.Dicom;

/// <summary>Lookup of registered UIDs; the generated part holds the constants, UidRegistryData the table.</summary>
public static partial class DicomUids
{
    private static readonly DicomUidInfo?[] Infos = new DicomUidInfo?[UidRegistryData.Count];

    /// <summary>What PS3.6 registers for <paramref name="uid"/> (trailing NUL or space padding is ignored), or null.</summary>
    public static DicomUidInfo? Lookup(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        var row = PackedStrings.Find(UidRegistryData.Uids, UidRegistryData.UidStarts, uid.AsSpan().TrimEnd("\0 "));
        return row < 0 ? null : Info(row);
    }

    private static DicomUidInfo Info(int row)
    {
        var info = Volatile.Read(ref Infos[row]);
        if (info is null)
        {
            // Two threads may build the same record at once; both are equal and the first stored is kept.
            var created = new DicomUidInfo(
                PackedStrings.Get(UidRegistryData.Uids, UidRegistryData.UidStarts, row),
                PackedStrings.Get(UidRegistryData.Names, UidRegistryData.NameStarts, row),
                PackedStrings.Get(UidRegistryData.Keywords, UidRegistryData.KeywordStarts, row),
                (DicomUidType)UidRegistryData.Types[row],
                UidRegistryData.Retired[row] != 0);
            info = Interlocked.CompareExchange(ref Infos[row], created, null) ?? created;
        }

        return info;
    }
}
