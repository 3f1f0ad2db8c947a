using System.Globalization;
using System.Text;
using Gateway.Dicom;
using Gateway.Dicom.Query;

namespace Gateway.Server.DicomWeb.Qido;

/// <summary>A QIDO-RS request that cannot be run: an unknown key, a malformed value or a bad paging parameter (400).</summary>
public sealed class QidoRequestException(string message) : Exception(message);

/// <summary>
/// A QIDO-RS search (PS3.18 8.3.4, 10.6) as parsed from the URL: the matching keys as a C-FIND style identifier,
/// the attributes to return, and the page. Keys are keywords ("PatientID") or tags ("00100020"); values are
/// percent-decoded already; UID keys take comma-separated lists.
/// </summary>
public sealed class QidoRequest
{
    private QidoRequest(DicomQueryLevel level, DicomDataset identifier, HashSet<DicomTag> includeFields, bool includeAll, int offset, int? limit, bool fuzzyMatching)
    {
        Level = level;
        Identifier = identifier;
        IncludeFields = includeFields;
        IncludeAll = includeAll;
        Offset = offset;
        Limit = limit;
        FuzzyMatching = fuzzyMatching;
    }

    public DicomQueryLevel Level { get; }

    /// <summary>The matching keys, each with a non-empty value, including the UIDs of the URL's path, and Specific Character Set ISO_IR 192.</summary>
    public DicomDataset Identifier { get; }

    /// <summary>The attributes includefield asks for beyond the defaults.</summary>
    public IReadOnlySet<DicomTag> IncludeFields { get; }

    /// <summary>Whether includefield=all asks for every attribute of the entity.</summary>
    public bool IncludeAll { get; }

    public int Offset { get; }

    public int? Limit { get; }

    /// <summary>Whether the client asked for fuzzy matching of person names (not supported: literal matching is done).</summary>
    public bool FuzzyMatching { get; }

    /// <summary>Parses the query parameters of a search at <paramref name="level"/> within the study and series of the path.</summary>
    /// <exception cref="QidoRequestException">A parameter is unknown or malformed.</exception>
    public static QidoRequest Parse(DicomQueryLevel level, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> parameters, string? studyInstanceUid, string? seriesInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // Query values are Unicode (percent-encoded UTF-8 in the URL): the identifier holds them as ISO_IR 192, and
        // they are matched as decoded text against names stored in any character set, as C-FIND matches them.
        var identifier = new DicomDataset();
        identifier.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        var includeFields = new HashSet<DicomTag>();
        var includeAll = false;
        var offset = 0;
        int? limit = null;
        var fuzzy = false;
        foreach (var (name, values) in parameters)
        {
            switch (name.ToLowerInvariant())
            {
                case "includefield":
                    foreach (var field in values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
                    {
                        if (string.Equals(field, "all", StringComparison.OrdinalIgnoreCase))
                        {
                            includeAll = true;
                        }
                        else
                        {
                            includeFields.Add(ParseAttribute(field, "includefield").Tag);
                        }
                    }

                    break;
                case "limit":
                    limit = ParseCount(name, values, minimum: 1);
                    break;
                case "offset":
                    offset = ParseCount(name, values, minimum: 0);
                    break;
                case "fuzzymatching":
                    fuzzy = ParseBoolean(name, values);
                    break;
                default:
                    AddKey(identifier, level, name, values);
                    break;
            }
        }

        if (studyInstanceUid is not null)
        {
            identifier.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, studyInstanceUid);
        }

        if (seriesInstanceUid is not null)
        {
            identifier.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesInstanceUid);
        }

        return new QidoRequest(level, identifier, includeFields, includeAll, offset, limit, fuzzy);
    }

    private static void AddKey(DicomDataset identifier, DicomQueryLevel level, string name, IReadOnlyList<string> values)
    {
        var (tag, vr) = ParseAttribute(name, "query key");
        if (level == DicomQueryLevel.Study && tag == DicomTags.Modality)
        {
            // A study has the modalities of its series: what clients mean by Modality at the study level.
            (tag, vr) = (DicomTags.ModalitiesInStudy, DicomVR.CS);
        }

        if (DicomQueryLevels.LevelOf(tag) > level)
        {
            throw new QidoRequestException($"{name} is an attribute of the {DicomQueryLevels.LevelOf(tag).ToString().ToUpperInvariant()} level; a {LevelName(level)} search cannot match on it.");
        }

        if (vr == DicomVR.SQ)
        {
            throw new QidoRequestException($"Matching on the sequence {name} is not supported; ask for it with includefield.");
        }

        foreach (var value in values)
        {
            // Checked before the value is encoded: a trailing NUL would pass for padding there.
            if (DicomQueryKey.IndexOfControlCharacter(vr, value) is var index and >= 0)
            {
                throw new QidoRequestException(string.Create(CultureInfo.InvariantCulture, $"{name} holds the control character U+{(int)value[index]:X4} at position {index + 1}; query values cannot contain control characters."));
            }
        }

        var parts = values
            .SelectMany(value => vr == DicomVR.UI ? value.Split(',', StringSplitOptions.TrimEntries) : [value])
            .SelectMany(value => value.Split('\\'))
            .Select(value => value.Trim())
            .Where(value => value.Length > 0)
            .ToList();
        if (parts.Count == 0)
        {
            if (values.Any(value => value.Trim().Length > 0))
            {
                // "\" (or "," in a UID list) is empty values between delimiters (PS3.4 C.2.2.2), not the zero-length value of Universal Matching.
                throw new QidoRequestException($"{name}={values.First(value => value.Trim().Length > 0)} holds only empty values between delimiters; give a value to match, or an empty one ({name}=) to have the attribute returned.");
            }

            // An empty value is Universal Matching: it only asks for the attribute to be returned.
            return;
        }

        if (vr == DicomVR.DA)
        {
            parts = parts.Select(WholeDays).ToList();
        }

        foreach (var part in parts.Where(part => vr == DicomVR.DA || vr == DicomVR.TM || vr == DicomVR.DT))
        {
            if (!DicomDateTimeRange.TryParseQuery(vr, part, out _, out _))
            {
                throw new QidoRequestException($"{name}={part} is neither a {vr} value nor a range of them (e.g. 20100101-20101231, -2010, 2010-).");
            }
        }

        if (!vr.IsCharacterSetDependent && parts.Find(part => !Ascii.IsValid(part)) is { } nonAscii)
        {
            throw new QidoRequestException($"{name}={nonAscii} holds characters outside ASCII, which a {vr} value cannot hold.");
        }

        identifier.SetStrings(tag, vr, parts);
    }

    /// <summary>
    /// A date or date range whose bounds may be a year or a month ("2010-", "-201003", "2010"), as clients write
    /// them, as a range of whole days: a lower bound from the first day, an upper bound to the last.
    /// </summary>
    private static string WholeDays(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return value.Length is 4 or 6 && value.All(char.IsAsciiDigit) ? $"{First(value)}-{Last(value)}" : value;
        }

        var (lower, upper) = (value[..dash].Trim(), value[(dash + 1)..].Trim());
        return $"{(lower.All(char.IsAsciiDigit) ? First(lower) : lower)}-{(upper.All(char.IsAsciiDigit) ? Last(upper) : upper)}";

        static string First(string bound) => bound.Length switch
        {
            4 => bound + "0101",
            6 => bound + "01",
            _ => bound,
        };

        static string Last(string bound) => bound.Length switch
        {
            4 => bound + "1231",
            6 when int.TryParse(bound[..4], CultureInfo.InvariantCulture, out var year) && int.TryParse(bound[4..], CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
                => bound + DateTime.DaysInMonth(Math.Max(year, 1), month).ToString("00", CultureInfo.InvariantCulture),
            _ => bound,
        };
    }

    /// <summary>A keyword or eight hexadecimal digits naming a standard attribute.</summary>
    internal static (DicomTag Tag, DicomVR VR) ParseAttribute(string text, string what)
    {
        var tag = default(DicomTag);
        var known = text.Length == 8 && text.All(char.IsAsciiHexDigit)
            ? DicomTag.TryParse(text, out tag)
            : DicomDictionary.TryGetTag(text, out tag);
        if (!known || DicomDictionary.Lookup(tag) is not { VRs.Count: > 0 } entry)
        {
            throw new QidoRequestException($"'{text}' ({what}) is not a DICOM attribute keyword or tag (e.g. PatientID or 00100020).");
        }

        return (tag, entry.VRs[0]);
    }

    private static int ParseCount(string name, IReadOnlyList<string> values, int minimum)
    {
        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < minimum)
        {
            throw new QidoRequestException($"{name} must be given once, as a whole number of at least {minimum}; got '{string.Join(',', values)}'.");
        }

        return count;
    }

    private static bool ParseBoolean(string name, IReadOnlyList<string> values) =>
        values.Count == 1 && bool.TryParse(values[0], out var flag)
            ? flag
            : throw new QidoRequestException($"{name} must be true or false; got '{string.Join(',', values)}'.");

    internal static string LevelName(DicomQueryLevel level) => level == DicomQueryLevel.Image ? "instance" : level.ToString().ToLowerInvariant();
}
