using System.Globalization;

namespace Gateway.Dicom.Query;

/// <summary>
/// A period of time for matching DA, TM and DT values (PS3.4 C.2.2.2.1 and C.2.2.2.5), as two inclusive tick
/// counts (100 ns): DA and DT on the <see cref="DateTime"/> tick scale, DT moved to UTC when it carries an offset
/// ("&amp;ZZXX"; a DT without one is taken as it stands), TM as ticks since midnight.
/// </summary>
/// <remarks>
/// A value denotes the whole period its precision covers: the DA "20200131" is that day, the TM "1035" runs from
/// 10:35:00.000000 to 10:35:59.999999, the DT "2020" is the year 2020. A range "a-b" runs from the start of a to
/// the end of b, so "-1035" includes 10:35:59. An entity's own value is the instant its period starts. The legacy
/// forms "YYYY.MM.DD" and "HH:MM:SS" are read too; ranges crossing midnight are not supported (C.2.2.2.5.2).
/// </remarks>
public readonly record struct DicomDateTimeRange(long Start, long End)
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public bool Contains(long instant) => instant >= Start && instant <= End;

    /// <summary>
    /// Parses a key value of a query: one value, or a range "a-b", "a-" or "-b". False when it is neither, or when
    /// a range's start lies after its end.
    /// </summary>
    /// <param name="isRange">Whether the value was a range rather than a single value.</param>
    public static bool TryParseQuery(DicomVR vr, string text, out DicomDateTimeRange range, out bool isRange)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(text);
        range = default;
        isRange = false;
        var value = text.Trim();
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return TryParseValue(vr, value, out range);
        }

        if (vr == DicomVR.DT)
        {
            // The sign of a UTC offset is a '-' too: try each one as the range separator, then the whole as one value.
            for (; dash >= 0; dash = value.IndexOf('-', dash + 1))
            {
                if (TryParseBounds(vr, value[..dash], value[(dash + 1)..], out range))
                {
                    isRange = true;
                    return true;
                }
            }

            return TryParseValue(vr, value, out range);
        }

        isRange = value.IndexOf('-', dash + 1) < 0 && TryParseBounds(vr, value[..dash], value[(dash + 1)..], out range);
        return isRange;
    }

    /// <summary>Parses one DA, TM or DT value (not a range) into the period it denotes.</summary>
    public static bool TryParseValue(DicomVR vr, string text, out DicomDateTimeRange period)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        period = default;
        return vr.Code switch
        {
            "DA" => TryParseDate(value, out period),
            "TM" => TryParseTime(value, out period),
            "DT" => TryParseDateTime(value, out period),
            _ => false,
        };
    }

    private static bool TryParseBounds(DicomVR vr, string lower, string upper, out DicomDateTimeRange range)
    {
        range = default;
        lower = lower.Trim();
        upper = upper.Trim();
        if (lower.Length == 0 && upper.Length == 0)
        {
            return false;
        }

        var start = long.MinValue;
        var end = long.MaxValue;
        if (lower.Length > 0)
        {
            if (!TryParseValue(vr, lower, out var first))
            {
                return false;
            }

            start = first.Start;
        }

        if (upper.Length > 0)
        {
            if (!TryParseValue(vr, upper, out var last))
            {
                return false;
            }

            end = last.End;
        }

        range = new DicomDateTimeRange(start, end);
        return start <= end;
    }

    private static bool TryParseDate(string value, out DicomDateTimeRange period)
    {
        period = default;
        if (value.Length == 10 && value[4] == '.' && value[7] == '.')
        {
            value = value.Replace(".", string.Empty, StringComparison.Ordinal);
        }

        if (value.Length != 8 || !DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        period = new DicomDateTimeRange(date.Ticks, date.Ticks + TimeSpan.TicksPerDay - 1);
        return true;
    }

    private static bool TryParseTime(string value, out DicomDateTimeRange period)
    {
        period = default;
        if (value.Contains(':', StringComparison.Ordinal))
        {
            value = value.Replace(":", string.Empty, StringComparison.Ordinal);
        }

        if (!TryParseClock(value, out var ticks, out var precision))
        {
            return false;
        }

        period = new DicomDateTimeRange(ticks, ticks + precision - 1);
        return true;
    }

    private static bool TryParseDateTime(string value, out DicomDateTimeRange period)
    {
        period = default;
        var offset = 0L;
        if (value.Length > 5 && value[^5] is '+' or '-')
        {
            if (!TryDigits(value, value.Length - 4, 2, out var hours) || !TryDigits(value, value.Length - 2, 2, out var minutes) || hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = ((hours * TimeSpan.TicksPerHour) + (minutes * TimeSpan.TicksPerMinute)) * (value[^5] == '-' ? -1 : 1);
            value = value[..^5];
        }

        if (!TryDigits(value, 0, 4, out var year) || year < 1)
        {
            return false;
        }

        var month = 1;
        var day = 1;
        if (value.Length >= 6 && !(TryDigits(value, 4, 2, out month) && month is >= 1 and <= 12))
        {
            return false;
        }

        if (value.Length >= 8 && !(TryDigits(value, 6, 2, out day) && day >= 1 && day <= DateTime.DaysInMonth(year, month)))
        {
            return false;
        }

        var start = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified).Ticks;
        long end;
        switch (value.Length)
        {
            case 4:
                end = new DateTime(year, 12, 31, 0, 0, 0, DateTimeKind.Unspecified).Ticks + TimeSpan.TicksPerDay;
                break;
            case 6:
                end = start + (DateTime.DaysInMonth(year, month) * TimeSpan.TicksPerDay);
                break;
            case 8:
                end = start + TimeSpan.TicksPerDay;
                break;
            case > 8 when TryParseClock(value[8..], out var ticks, out var precision):
                start += ticks;
                end = start + precision;
                break;
            default:
                return false;
        }

        period = new DicomDateTimeRange(start - offset, end - 1 - offset);
        return true;
    }

    /// <summary>"HH[MM[SS[.F{1,6}]]]": ticks since midnight and the length of the period the precision denotes.</summary>
    private static bool TryParseClock(string value, out long ticks, out long precision)
    {
        ticks = 0;
        precision = 0;
        if (!TryDigits(value, 0, 2, out var hours) || hours > 23)
        {
            return false;
        }

        ticks = hours * TimeSpan.TicksPerHour;
        precision = TimeSpan.TicksPerHour;
        if (value.Length == 2)
        {
            return true;
        }

        if (!TryDigits(value, 2, 2, out var minutes) || minutes > 59)
        {
            return false;
        }

        ticks += minutes * TimeSpan.TicksPerMinute;
        precision = TimeSpan.TicksPerMinute;
        if (value.Length == 4)
        {
            return true;
        }

        // 60 is a leap second (PS3.5 table 6.2-1).
        if (!TryDigits(value, 4, 2, out var seconds) || seconds > 60)
        {
            return false;
        }

        ticks += seconds * TimeSpan.TicksPerSecond;
        precision = TimeSpan.TicksPerSecond;
        if (value.Length == 6)
        {
            return true;
        }

        var fractionDigits = value.Length - 7;
        if (value[6] != '.' || fractionDigits is < 1 or > 6 || !TryDigits(value, 7, fractionDigits, out var fraction))
        {
            return false;
        }

        var unit = TicksPerMicrosecond * (long)Math.Pow(10, 6 - fractionDigits);
        ticks += fraction * unit;
        precision = unit;
        return true;
    }

    private static bool TryDigits(string value, int start, int count, out int number)
    {
        number = 0;
        if (start + count > value.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            number = (number * 10) + (value[i] - '0');
        }

        return true;
    }
}
