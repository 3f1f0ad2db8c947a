using System.Globalization;
using System.Text;
using Gateway.Dicom;
using Gateway.Dicom.Query;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Infrastructure.Postgres.Query;

/// <summary>
/// Turns the indexed keys of a query (see Gateway.Core.Query.IndexedQueryAttributes) into SQL conditions on the
/// columns of patients p, studies s, series x and instances i, with parameters. Person names are compared upper-cased
/// without trailing empty components; wild cards become LIKE patterns; dates compare as YYYYMMDD text.
/// </summary>
internal sealed class SqlKeyFilter
{
    private static readonly Dictionary<DicomTag, string> Columns = new()
    {
        [DicomTags.PatientID] = "p.patient_id",
        [DicomTags.PatientName] = "rtrim(p.patient_name_ci, '^ ')",
        [DicomTags.PatientBirthDate] = "p.birth_date",
        [DicomTags.PatientSex] = "p.sex",
        [DicomTags.StudyInstanceUID] = "s.study_instance_uid",
        [DicomTags.StudyDate] = "s.study_date",
        [DicomTags.AccessionNumber] = "s.accession_number",
        [DicomTags.StudyID] = "s.study_id",
        [DicomTags.StudyDescription] = "s.study_description",
        [DicomTags.ReferringPhysicianName] = "rtrim(upper(s.referring_physician_name), '^ ')",
        [DicomTags.ModalitiesInStudy] = "m.modality",
        [DicomTags.SeriesInstanceUID] = "x.series_instance_uid",
        [DicomTags.Modality] = "x.modality",
        [DicomTags.SeriesNumber] = "x.series_number",
        [DicomTags.SeriesDescription] = "x.series_description",
        [DicomTags.BodyPartExamined] = "x.body_part_examined",
        [DicomTags.SeriesDate] = "x.series_date",
        [DicomTags.SOPInstanceUID] = "i.sop_instance_uid",
        [DicomTags.SOPClassUID] = "i.sop_class_uid",
        [DicomTags.InstanceNumber] = "i.instance_number",
    };

    private readonly List<string> _conditions = [];

    public SqlKeyFilter(NpgsqlCommand command, IEnumerable<DicomQueryKey> keys)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            var column = Columns.TryGetValue(key.Tag, out var name) ? name : throw new InvalidOperationException($"{key.Tag} has no index column.");
            var condition = Condition(command, key, column);
            _conditions.Add(key.Tag == DicomTags.ModalitiesInStudy
                ? $"exists (select 1 from series m where m.study_fk = s.id and ({condition}))"
                : condition);
        }
    }

    /// <summary>The conditions joined by "and", or "true" when there are none.</summary>
    public override string ToString() => _conditions.Count == 0 ? "true" : string.Join(" and ", _conditions.Select(condition => "(" + condition + ")"));

    private static string Condition(NpgsqlCommand command, DicomQueryKey key, string column)
    {
        if (key.Periods.Count > 0)
        {
            return string.Join(" or ", key.Periods.Select(period => "(" + DateCondition(command, column, period) + ")"));
        }

        if (key.Tag == DicomTags.SeriesNumber || key.Tag == DicomTags.InstanceNumber)
        {
            var numbers = key.Values.Select(value => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new DicomQueryException($"{key.Tag} is an integer (IS); '{value}' is not one.")).ToArray();
            return $"{column} = any({Add(command, numbers, NpgsqlDbType.Array | NpgsqlDbType.Integer)})";
        }

        var upper = key.VR == DicomVR.PN;
        var exact = key.Values.Where(value => key.Kind != DicomMatchKind.WildCard || !HasWildcards(value)).Select(value => upper ? value.ToUpperInvariant() : value).ToArray();
        var parts = new List<string>();
        if (exact.Length > 0)
        {
            parts.Add($"{column} = any({Add(command, exact, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        }

        foreach (var pattern in key.Values.Where(value => key.Kind == DicomMatchKind.WildCard && HasWildcards(value)))
        {
            parts.Add($"{column} like {Add(command, LikePattern(upper ? pattern.ToUpperInvariant() : pattern), NpgsqlDbType.Text)}");
        }

        return string.Join(" or ", parts);
    }

    private static string DateCondition(NpgsqlCommand command, string column, DicomDateTimeRange period)
    {
        var bounds = new List<string>();
        if (period.Start != long.MinValue)
        {
            bounds.Add($"{column} >= {Add(command, DateText(period.Start), NpgsqlDbType.Text)}");
        }

        if (period.End != long.MaxValue)
        {
            bounds.Add($"{column} <= {Add(command, DateText(period.End), NpgsqlDbType.Text)}");
        }

        // A stored date that is not YYYYMMDD never matches a range (nor a date) it cannot be compared with.
        bounds.Add($"{column} ~ '^[0-9]{{8}}$'");
        return string.Join(" and ", bounds);
    }

    private static string DateText(long ticks) => new DateTime(ticks, DateTimeKind.Unspecified).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static bool HasWildcards(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>A DICOM wild card pattern as a LIKE pattern with the default escape character.</summary>
    private static string LikePattern(string pattern)
    {
        var like = new StringBuilder(pattern.Length + 4);
        foreach (var character in pattern)
        {
            like.Append(character switch
            {
                '*' => "%",
                '?' => "_",
                '%' or '_' or '\\' => "\\" + character,
                _ => character.ToString(),
            });
        }

        return like.ToString();
    }

    private static string Add(NpgsqlCommand command, object value, NpgsqlDbType type)
    {
        var name = "k" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }
}
