using System.Globalization;
using Gateway.Core.Lifecycle;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Lifecycle;

/// <summary>
/// The SQL of "pending for a rule" (LifecycleRules.Decide in SQL): instances the compress job has decided for or
/// will not decide for (no compress job; not receiving, not in a series latent) that match the rule and are older than its age, that no older rule decides
/// for, that the rule has not moved yet and that have no lifecycle job (queued, running or failed).
/// </summary>
internal static class LifecycleSql
{
    /// <summary>The joins every pending query starts from (i, s, st).</summary>
    public const string From = "from instances i join series s on s.id = i.series_fk join studies st on st.id = s.study_fk";

    /// <summary>The bytes an instance's pixel objects take now.</summary>
    public const string Bytes =
        "(select coalesce(sum(o.size_bytes), 0) from objects o where o.instance_fk = i.id and o.kind in ('original', 'lossless', 'j2k-lossy', 'latent+residual', 'latent'))";

    /// <summary>What serves the instance now: its original while it is kept, else its compression.</summary>
    public const string Representation =
        "(case when exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original') then 'original' else i.compression end)";

    /// <summary>The condition "pending for rule <paramref name="position"/> of <see cref="LifecycleRules.Oldest"/>", its parameters added to <paramref name="parameters"/>.</summary>
    public static string Pending(LifecycleRules rules, int position, DateTimeOffset now, NpgsqlParameterCollection parameters)
    {
        var older = string.Concat(Enumerable.Range(0, position).Select(earlier => $" and not {Matches(rules.Oldest[earlier], earlier, now, parameters)}"));
        var rule = Parameter(parameters, $"rule{position}", rules.Oldest[position].Name);
        return $"""
            i.state <> 'receiving' and i.series_latent_id is null
            and (i.compression is not null or not exists (select 1 from jobs c where c.instance_fk = i.id and c.kind in ('compress', 'compress-2d')))
            and {Matches(rules.Oldest[position], position, now, parameters)}{older}
            and not exists (select 1 from lifecycle_moves m where m.instance_fk = i.id and m.rule = {rule})
            and not exists (select 1 from jobs j where j.instance_fk = i.id and j.kind = 'lifecycle')
            """;
    }

    /// <summary>"The rule matches the instance's modality and the instance is older than its age" (parameters added once per rule).</summary>
    private static string Matches(LifecycleRule rule, int position, DateTimeOffset now, NpgsqlParameterCollection parameters)
    {
        var suffix = position.ToString(CultureInfo.InvariantCulture);
        var modalities = Parameter(parameters, "modalities" + suffix, rule.Modalities.Select(modality => modality.Trim().ToUpperInvariant()).ToArray());
        var age = rule.AgeBasis == LifecycleAgeBasis.StudyDate
            ? $"(st.study_date ~ '^[0-9]{{8}}$' and st.study_date < {Parameter(parameters, "date" + suffix, LifecycleRules.StudyDateCutoff(rule, now))})"
            : $"i.received_at < {Parameter(parameters, "received" + suffix, now - rule.Age)}";
        return $"((cardinality({modalities}::text[]) = 0 or upper(trim(s.modality)) = any({modalities}::text[])) and {age})";
    }

    private static string Parameter(NpgsqlParameterCollection parameters, string name, object value)
    {
        if (!parameters.Contains(name))
        {
            parameters.AddWithValue(name, value);
        }

        return "@" + name;
    }
}
