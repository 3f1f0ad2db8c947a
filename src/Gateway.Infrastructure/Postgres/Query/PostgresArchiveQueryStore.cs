using System.Globalization;
using Gateway.Core.Headers;
using Gateway.Core.Query;
using Gateway.Infrastructure.Postgres.Headers;
using Gateway.Dicom.Query;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Query;

/// <summary>
/// Searches of the archive index on PostgreSQL (see <see cref="IArchiveQueryStore"/>): one statement per query,
/// filtering on indexed columns, counting the related instances and picking the header of one instance (the first
/// by series and Instance Number) for each entity, as DICOM JSON (headers stored as deltas are decoded by
/// <paramref name="headers"/>).
/// </summary>
public sealed class PostgresArchiveQueryStore(NpgsqlDataSource dataSource, InstanceHeaders headers) : IArchiveQueryStore
{
    private const string Visible = "i.state <> 'receiving'";

    public async Task<IReadOnlyList<ArchiveQueryRow>> FindAsync(ArchiveQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand();
        var filter = new SqlKeyFilter(command, query.IndexedKeys).ToString();
        var page = " offset " + query.Offset.ToString(CultureInfo.InvariantCulture)
            + (query.Limit is { } limit ? " limit " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty);
        command.CommandText = query.Level switch
        {
            DicomQueryLevel.Patient => PatientSql(filter),
            DicomQueryLevel.Study => StudySql(filter),
            DicomQueryLevel.Series => SeriesSql(filter),
            _ => InstanceSql(filter),
        } + page;
        var found = new List<(StoredHeader Header, ArchiveQueryRow Row)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add((StoredHeaderColumns.Read(reader, 0), new ArchiveQueryRow(string.Empty)
                {
                    StudyCount = Int(reader, "study_count"),
                    SeriesCount = Int(reader, "series_count"),
                    InstanceCount = Int(reader, "instance_count"),
                    Modalities = Strings(reader, "modalities"),
                    SopClasses = Strings(reader, "sop_classes"),
                }));
            }
        }

        var json = await headers.ReadJsonAsync(found.Select(item => (item.Header, "a query result")).ToList(), cancellationToken).ConfigureAwait(false);
        return found.Select((item, index) => item.Row with { HeaderJson = json[index] }).ToList();
    }

    private static string PatientSql(string filter) =>
        $"""
        select h.header, h.series_header_fk, h.header_delta, c.study_count, c.series_count, c.instance_count
        from patients p
        cross join lateral (
            select count(distinct s.id)::int as study_count, count(distinct x.id)::int as series_count, count(*)::int as instance_count
            from studies s join series x on x.study_fk = s.id join instances i on i.series_fk = x.id and {Visible}
            where s.patient_fk = p.id) c
        cross join lateral (
            select i.header::text as header, i.series_header_fk, i.header_delta
            from studies s join series x on x.study_fk = s.id join instances i on i.series_fk = x.id and {Visible}
            where s.patient_fk = p.id
            order by s.id, x.id, i.instance_number nulls last, i.id limit 1) h
        where c.instance_count > 0 and {filter}
        order by p.id
        """;

    private static string StudySql(string filter) =>
        $"""
        select h.header, h.series_header_fk, h.header_delta, c.series_count, c.instance_count, c.modalities, c.sop_classes
        from studies s join patients p on p.id = s.patient_fk
        cross join lateral (
            select count(distinct x.id)::int as series_count, count(*)::int as instance_count,
                   array_agg(distinct x.modality order by x.modality) filter (where coalesce(x.modality, '') <> '') as modalities,
                   array_agg(distinct i.sop_class_uid order by i.sop_class_uid) as sop_classes
            from series x join instances i on i.series_fk = x.id and {Visible}
            where x.study_fk = s.id) c
        cross join lateral (
            select i.header::text as header, i.series_header_fk, i.header_delta
            from series x join instances i on i.series_fk = x.id and {Visible}
            where x.study_fk = s.id
            order by x.id, i.instance_number nulls last, i.id limit 1) h
        where c.instance_count > 0 and {filter}
        order by s.id
        """;

    private static string SeriesSql(string filter) =>
        $"""
        select h.header, h.series_header_fk, h.header_delta, c.instance_count
        from series x join studies s on s.id = x.study_fk join patients p on p.id = s.patient_fk
        cross join lateral (select count(*)::int as instance_count from instances i where i.series_fk = x.id and {Visible}) c
        cross join lateral (
            select i.header::text as header, i.series_header_fk, i.header_delta from instances i where i.series_fk = x.id and {Visible}
            order by i.instance_number nulls last, i.id limit 1) h
        where c.instance_count > 0 and {filter}
        order by s.id, x.id
        """;

    private static string InstanceSql(string filter) =>
        $"""
        select {StoredHeaderColumns.Select}
        from instances i join series x on x.id = i.series_fk join studies s on s.id = x.study_fk join patients p on p.id = s.patient_fk
        where {Visible} and {filter}
        order by s.id, x.id, i.instance_number nulls last, i.id
        """;

    private static int? Int(NpgsqlDataReader reader, string column) =>
        HasColumn(reader, column, out var ordinal) && !reader.IsDBNull(ordinal) ? reader.GetInt32(ordinal) : null;

    private static string[]? Strings(NpgsqlDataReader reader, string column) =>
        HasColumn(reader, column, out var ordinal) ? (reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<string[]>(ordinal)) : null;

    private static bool HasColumn(NpgsqlDataReader reader, string column, out int ordinal)
    {
        for (ordinal = 0; ordinal < reader.FieldCount; ordinal++)
        {
            if (reader.GetName(ordinal) == column)
            {
                return true;
            }
        }

        return false;
    }
}
