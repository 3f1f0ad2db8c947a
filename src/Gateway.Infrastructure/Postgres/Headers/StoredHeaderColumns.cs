using Gateway.Core.Headers;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Headers;

/// <summary>The columns of instances that hold a header (JSON before migration 0007, a delta since), as statements select them.</summary>
internal static class StoredHeaderColumns
{
    /// <summary>The select list for an instances row aliased <c>i</c>: three columns.</summary>
    public const string Select = "i.header::text, i.series_header_fk, i.header_delta";

    /// <summary>The header from the three columns <see cref="Select"/> put at <paramref name="ordinal"/>.</summary>
    public static StoredHeader Read(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? StoredHeader.OfDelta(reader.GetInt64(ordinal + 1), reader.GetFieldValue<byte[]>(ordinal + 2))
            : StoredHeader.OfJson(reader.GetString(ordinal));
}
