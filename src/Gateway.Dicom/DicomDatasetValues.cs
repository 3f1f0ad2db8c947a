using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;

namespace Gateway.Dicom;

/// <summary>Typed views of element values: strings decoded with the data set's character set, numbers.</summary>
public sealed partial class DicomDataset
{
    /// <summary>The whole text value (all values, backslashes included), decoded, without trailing padding; null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        if (GetElement(tag) is not DicomValueElement element)
        {
            return null;
        }

        if (!element.VR.IsText)
        {
            return string.Join('\\', GetStrings(tag));
        }

        return TrimValue(CharacterSet.Decode(element.Value.Span, element.VR), element.VR);
    }

    /// <summary>The values of a multi-valued element as strings (binary values formatted invariantly); empty when absent.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        if (GetElement(tag) is not DicomValueElement element || element.Length == 0)
        {
            return [];
        }

        var vr = element.VR;
        if (vr.IsText)
        {
            var text = CharacterSet.Decode(element.Value.Span, vr);
            return vr.IsMultiValued
                ? text.Split('\\').Select(value => TrimValue(value, vr)).ToArray()
                : [TrimValue(text, vr)];
        }

        return vr.Code switch
        {
            "AT" => GetValues<uint>(tag).Select(value => new DicomTag(value).ToHexString()).ToArray(),
            "FL" or "OF" => GetValues<float>(tag).Select(value => value.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
            "FD" or "OD" => GetValues<double>(tag).Select(value => value.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
            _ when vr.Kind == VRKind.Binary || vr == DicomVR.OL || vr == DicomVR.OV || vr == DicomVR.OW =>
                GetValues<decimal>(tag).Select(value => value.ToString(CultureInfo.InvariantCulture)).ToArray(),
            _ => [Convert.ToBase64String(element.Value.Span)],
        };
    }

    /// <summary>Number of values: backslash-separated for text, units of the VR for binary values.</summary>
    public int GetValueCount(DicomTag tag) => GetElement(tag) switch
    {
        DicomValueElement { Length: 0 } => 0,
        DicomValueElement { VR.IsText: true, VR.IsMultiValued: true } element => element.Value.Span.Count((byte)'\\') + 1,
        DicomValueElement { VR.IsText: true } => 1,
        DicomValueElement { VR.Kind: VRKind.Binary } element => element.Length / element.VR.UnitSize,
        DicomValueElement => 1,
        DicomSequence sequence => sequence.Items.Count,
        DicomFragmentSequence => 1,
        _ => 0,
    };

    /// <summary>The value at <paramref name="index"/> as a number: binary VRs by their type, IS and DS parsed.</summary>
    public T GetValue<T>(DicomTag tag, int index = 0)
        where T : INumber<T>
    {
        if (TryGetValue<T>(tag, index, out var value))
        {
            return value;
        }

        throw new DicomException(Contains(tag)
            ? $"Element {tag} has no numeric value at index {index}."
            : $"Element {tag} is not present.");
    }

    public T GetValueOrDefault<T>(DicomTag tag, T defaultValue, int index = 0)
        where T : INumber<T> =>
        TryGetValue<T>(tag, index, out var value) ? value : defaultValue;

    public bool TryGetValue<T>(DicomTag tag, int index, out T value)
        where T : INumber<T>
    {
        value = T.Zero;
        if (GetElement(tag) is not DicomValueElement element || index < 0)
        {
            return false;
        }

        var vr = element.VR;
        if (vr.IsText)
        {
            var values = GetStrings(tag);
            if (index >= values.Length || !decimal.TryParse(values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            return TryConvert(parsed, out value);
        }

        var span = element.Value.Span;
        var size = vr.UnitSize;
        if (vr == DicomVR.AT)
        {
            size = 4;
        }

        if (size <= 1 || (index + 1) * size > span.Length)
        {
            return false;
        }

        var unit = span.Slice(index * size, size);
        return vr.Code switch
        {
            "US" or "OW" => TryConvert(BinaryPrimitives.ReadUInt16LittleEndian(unit), out value),
            "SS" => TryConvert(BinaryPrimitives.ReadInt16LittleEndian(unit), out value),
            "UL" or "OL" => TryConvert(BinaryPrimitives.ReadUInt32LittleEndian(unit), out value),
            "AT" => TryConvert(((uint)BinaryPrimitives.ReadUInt16LittleEndian(unit) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(unit[2..]), out value),
            "SL" => TryConvert(BinaryPrimitives.ReadInt32LittleEndian(unit), out value),
            "FL" or "OF" => TryConvert(BinaryPrimitives.ReadSingleLittleEndian(unit), out value),
            "FD" or "OD" => TryConvert(BinaryPrimitives.ReadDoubleLittleEndian(unit), out value),
            "SV" => TryConvert(BinaryPrimitives.ReadInt64LittleEndian(unit), out value),
            "UV" or "OV" => TryConvert(BinaryPrimitives.ReadUInt64LittleEndian(unit), out value),
            _ => false,
        };
    }

    /// <summary>Every value of a binary or numeric text element.</summary>
    public T[] GetValues<T>(DicomTag tag)
        where T : INumber<T>
    {
        var count = GetElement(tag) is DicomValueElement { VR.Kind: VRKind.Bulk, VR.UnitSize: > 1 } words
            ? words.Length / words.VR.UnitSize
            : GetValueCount(tag);
        var result = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            if (TryGetValue<T>(tag, i, out var value))
            {
                result.Add(value);
            }
        }

        return [.. result];
    }

    public DicomSequence? GetSequence(DicomTag tag) => GetElement(tag) as DicomSequence;

    /// <summary>The Private Creator that reserves the block of a private element (gggg,xxee): the value of (gggg,00xx).</summary>
    public string? GetPrivateCreator(DicomTag tag) =>
        tag.IsPrivate && !tag.IsPrivateCreator && (tag.Element >> 8) >= 0x10
            ? GetString(new DicomTag(tag.Group, (ushort)(tag.Element >> 8)))
            : null;

    /// <summary>Sets a text element, encoding with this data set's character set; the VR defaults to the dictionary's.</summary>
    public void SetString(DicomTag tag, DicomVR vr, string value)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(value);
        if (!vr.IsText)
        {
            throw new ArgumentException($"{vr} is not a text VR; use SetValues.", nameof(vr));
        }

        var encoded = tag == DicomTags.SpecificCharacterSet
            ? System.Text.Encoding.ASCII.GetBytes(value)
            : CharacterSet.Encode(value, vr);
        Add(new DicomValueElement(tag, vr, PadToEven(encoded, vr.Padding)));
    }

    public void SetStrings(DicomTag tag, DicomVR vr, IEnumerable<string> values) =>
        SetString(tag, vr, string.Join('\\', values));

    /// <summary>Sets a binary element (US, SS, UL, SL, FL, FD, SV, UV, AT or the O* VRs) from numbers.</summary>
    public void SetValues<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : INumber<T>
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        if (vr.IsText)
        {
            SetStrings(tag, vr, values.Select(value => string.Format(CultureInfo.InvariantCulture, "{0}", value)));
            return;
        }

        var size = vr == DicomVR.AT ? 4 : vr.UnitSize;
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var unit = bytes.AsSpan(i * size, size);
            var value = values[i];
            switch (vr.Code)
            {
                case "US" or "OW": BinaryPrimitives.WriteUInt16LittleEndian(unit, ushort.CreateChecked(value)); break;
                case "SS": BinaryPrimitives.WriteInt16LittleEndian(unit, short.CreateChecked(value)); break;
                case "UL" or "OL": BinaryPrimitives.WriteUInt32LittleEndian(unit, uint.CreateChecked(value)); break;
                case "SL": BinaryPrimitives.WriteInt32LittleEndian(unit, int.CreateChecked(value)); break;
                case "FL" or "OF": BinaryPrimitives.WriteSingleLittleEndian(unit, float.CreateChecked(value)); break;
                case "FD" or "OD": BinaryPrimitives.WriteDoubleLittleEndian(unit, double.CreateChecked(value)); break;
                case "SV": BinaryPrimitives.WriteInt64LittleEndian(unit, long.CreateChecked(value)); break;
                case "UV" or "OV": BinaryPrimitives.WriteUInt64LittleEndian(unit, ulong.CreateChecked(value)); break;
                case "AT":
                    var tagValue = uint.CreateChecked(value);
                    BinaryPrimitives.WriteUInt16LittleEndian(unit, (ushort)(tagValue >> 16));
                    BinaryPrimitives.WriteUInt16LittleEndian(unit[2..], (ushort)tagValue);
                    break;
                default: throw new ArgumentException($"{vr} cannot hold numbers.", nameof(vr));
            }
        }

        Add(new DicomValueElement(tag, vr, bytes));
    }

    internal static byte[] PadToEven(byte[] value, byte padding)
    {
        if (value.Length % 2 == 0)
        {
            return value;
        }

        var padded = new byte[value.Length + 1];
        value.CopyTo(padded, 0);
        padded[^1] = padding;
        return padded;
    }

    private static string TrimValue(string value, DicomVR vr)
    {
        // Trailing spaces (and the NUL some writers pad with) are insignificant for every text VR;
        // leading spaces are significant only for LT, ST, UT and UR (PS3.5 table 6.2-1).
        var trimmed = value.TrimEnd(' ', '\0');
        return vr.IsMultiValued ? trimmed.TrimStart(' ') : trimmed;
    }

    private static bool TryConvert<TFrom, TTo>(TFrom from, out TTo value)
        where TFrom : INumber<TFrom>
        where TTo : INumber<TTo>
    {
        try
        {
            value = TTo.CreateChecked(from);
            return true;
        }
        catch (OverflowException)
        {
            value = TTo.Zero;
            return false;
        }
        catch (NotSupportedException)
        {
            value = TTo.Zero;
            return false;
        }
    }
}
