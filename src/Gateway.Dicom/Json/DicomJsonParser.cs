using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Dicom.Text;

namespace Gateway.Dicom.Json;

/// <summary>
/// Builds data sets from DICOM JSON Model objects (PS3.18 F.2) held in a <see cref="JsonDocument"/>. Members may
/// come in any order (some writers put "Value" before "vr"); Specific Character Set is read first so every text value
/// is encoded with it. Every problem becomes a <see cref="DicomJsonException"/> naming the attribute.
/// </summary>
internal sealed class DicomJsonParser(DicomJsonReaderOptions options)
{
    private const string SpecificCharacterSetKey = "00080005";
    private const string TransferSyntaxUidKey = "00020010";
    private readonly ElementPathTracker _path = new();
    private bool? _encapsulated;

    public DicomDataset ReadTopLevel(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new DicomJsonException($"A DICOM JSON data set must be a JSON object, not {Describe(json.ValueKind)}.");
        }

        try
        {
            _encapsulated = EncapsulatedPixelData(json);
            return ReadDataset(json, null, topLevel: true);
        }
        catch (InvalidOperationException exception)
        {
            // Every typed access checks the JSON kind first, so this can only be System.Text.Json refusing to unescape
            // a key with an unpaired surrogate (valid JSON, but not text); values go through StringOf.
            throw new DicomJsonException($"In {_path.DescribeLocation()}: a key holds an unpaired surrogate escape, which is not text.", exception);
        }
    }

    /// <summary>For resolving bulk data after reading: the options' transfer syntax, else the data set's (0002,0010).</summary>
    public void UseTransferSyntaxOf(DicomDataset dataset)
    {
        var syntax = options.TransferSyntax;
        if (syntax is null && dataset.GetString(DicomTags.TransferSyntaxUID) is { Length: > 0 } uid)
        {
            syntax = DicomTransferSyntax.FromUid(uid);
        }

        _encapsulated = syntax is { IsKnown: true } ? syntax.IsEncapsulated : null;
    }

    private bool? EncapsulatedPixelData(JsonElement json)
    {
        var syntax = options.TransferSyntax;
        if (syntax is null && json.TryGetProperty(TransferSyntaxUidKey, out var attribute) && attribute.ValueKind == JsonValueKind.Object
            && attribute.TryGetProperty("Value", out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 1
            && value[0].ValueKind == JsonValueKind.String)
        {
            syntax = DicomTransferSyntax.FromUid(StringOf(DicomTags.TransferSyntaxUID, value[0]).Trim());
        }

        return syntax is { IsKnown: true } ? syntax.IsEncapsulated : null;
    }

    private DicomDataset ReadDataset(JsonElement json, DicomCharacterSet? inherited, bool topLevel)
    {
        var dataset = new DicomDataset { InheritedCharacterSet = inherited };
        if (json.TryGetProperty(SpecificCharacterSetKey, out var characterSet))
        {
            dataset.Add(ReadAttribute(DicomTags.SpecificCharacterSet, characterSet, dataset, topLevel));
        }

        var characterSetSeen = false;
        foreach (var member in json.EnumerateObject())
        {
            var tag = ParseKey(member.Name);
            if (tag == DicomTags.SpecificCharacterSet)
            {
                if (characterSetSeen)
                {
                    throw Error(tag, "the attribute appears twice.");
                }

                characterSetSeen = true;
                continue;
            }

            if (dataset.Contains(tag))
            {
                throw Error(tag, "the attribute appears twice.");
            }

            dataset.Add(ReadAttribute(tag, member.Value, dataset, topLevel));
        }

        return dataset;
    }

    private DicomTag ParseKey(string key)
    {
        if (key.Length != 8 || !uint.TryParse(key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new DicomJsonException($"'{key}' in {_path.DescribeLocation()} is not an attribute tag: DICOM JSON keys are eight hexadecimal digits (PS3.18 F.2.2).");
        }

        return new DicomTag(value);
    }

    private DicomElement ReadAttribute(DicomTag tag, JsonElement json, DicomDataset target, bool topLevel)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(tag, $"an attribute must be a JSON object with a \"vr\", not {Describe(json.ValueKind)}.");
        }

        DicomVR? vr = null;
        JsonElement content = default;
        string? contentName = null;
        foreach (var member in json.EnumerateObject())
        {
            if (member.NameEquals("vr"u8))
            {
                vr = ParseVR(tag, member.Value);
            }
            else if (member.NameEquals("Value"u8) || member.NameEquals("InlineBinary"u8) || member.NameEquals("BulkDataURI"u8))
            {
                if (contentName is not null)
                {
                    throw Error(tag, $"an attribute has at most one of Value, InlineBinary and BulkDataURI, but has {contentName} and {member.Name}.");
                }

                contentName = member.Name;
                content = member.Value;
            }
        }

        if (vr is null)
        {
            throw Error(tag, "the attribute has no \"vr\".");
        }

        return contentName switch
        {
            null => Empty(tag, vr),
            "Value" => ReadValue(tag, vr, content, target),
            "InlineBinary" => ReadInlineBinary(tag, vr, content, topLevel),
            _ => ReadBulkDataUri(tag, vr, content, topLevel),
        };
    }

    private DicomVR ParseVR(DicomTag tag, JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.String)
        {
            throw Error(tag, $"\"vr\" must be a string, not {Describe(json.ValueKind)}.");
        }

        var code = StringOf(tag, json);
        return DicomVR.TryParse(code, out var vr) ? vr : throw Error(tag, $"\"{code}\" is not a DICOM value representation.");
    }

    private static DicomElement Empty(DicomTag tag, DicomVR vr) =>
        vr == DicomVR.SQ ? new DicomSequence(tag) : new DicomValueElement(tag, vr, ReadOnlyMemory<byte>.Empty);

    private DicomElement ReadValue(DicomTag tag, DicomVR vr, JsonElement json, DicomDataset target)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw Error(tag, $"\"Value\" must be an array, not {Describe(json.ValueKind)}.");
        }

        if (json.GetArrayLength() == 0)
        {
            return Empty(tag, vr);
        }

        return vr.Kind switch
        {
            VRKind.Sequence => ReadSequence(tag, json, target),
            VRKind.Bulk => throw Error(tag, $"{vr} values are given as InlineBinary or BulkDataURI, not as a Value array (PS3.18 F.2.2)."),
            VRKind.Binary => new DicomValueElement(tag, vr, ReadNumbers(tag, vr, json)),
            _ => new DicomValueElement(tag, vr, EncodeText(tag, vr, ReadText(tag, vr, json), target)),
        };
    }

    private DicomSequence ReadSequence(DicomTag tag, JsonElement json, DicomDataset target)
    {
        if (_path.Depth >= options.MaxSequenceDepth)
        {
            throw Error(tag, $"sequences are nested deeper than {options.MaxSequenceDepth} levels.");
        }

        var sequence = new DicomSequence(tag);
        var characterSet = target.CharacterSet;
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            _path.Enter(tag, index);
            var dataset = item.ValueKind switch
            {
                JsonValueKind.Object => ReadDataset(item, characterSet, topLevel: false),
                JsonValueKind.Null => new DicomDataset { InheritedCharacterSet = characterSet },
                _ => throw new DicomJsonException($"{_path.DescribeLocation()}: a sequence item must be a JSON object, not {Describe(item.ValueKind)}."),
            };
            _path.Leave();
            sequence.Items.Add(dataset);
            index++;
        }

        return sequence;
    }

    private string ReadText(DicomTag tag, DicomVR vr, JsonElement json)
    {
        if (!vr.IsMultiValued && json.GetArrayLength() > 1)
        {
            throw Error(tag, $"{vr} holds a single value, but \"Value\" has {json.GetArrayLength()}.");
        }

        var text = new StringBuilder();
        var first = true;
        foreach (var value in json.EnumerateArray())
        {
            if (!first)
            {
                text.Append('\\');
            }

            first = false;
            text.Append(TextValue(tag, vr, value));
        }

        return text.ToString();
    }

    private string TextValue(DicomTag tag, DicomVR vr, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return string.Empty;
            case JsonValueKind.String when vr == DicomVR.DS || vr == DicomVR.IS:
                return StringOf(tag, value).Trim(); // PS3.18 table F.2.3-1 note: DS and IS may be strings.
            case JsonValueKind.String:
                return StringOf(tag, value);
            case JsonValueKind.Number when vr == DicomVR.IS:
                return DecimalText.IntegerStringFromJson(value.GetRawText())
                    ?? throw Error(tag, $"IS values are integers; {value.GetRawText()} is not.");
            case JsonValueKind.Number when vr == DicomVR.DS:
                return DecimalText.DecimalStringFromJson(value.GetRawText())
                    ?? throw Error(tag, $"{value.GetRawText()} is out of the range of a DS value.");
            case JsonValueKind.Object when vr == DicomVR.PN:
                return PersonName(tag, value);
            default:
                throw Error(tag, $"{vr} values are {(vr == DicomVR.PN ? "objects" : "strings")}, not {Describe(value.ValueKind)}.");
        }
    }

    /// <summary>PS3.18 F.2.2: the component groups joined with '=', dropping empty trailing groups.</summary>
    private string PersonName(DicomTag tag, JsonElement value)
    {
        var alphabetic = ComponentGroup(tag, value, "Alphabetic");
        var ideographic = ComponentGroup(tag, value, "Ideographic");
        var phonetic = ComponentGroup(tag, value, "Phonetic");
        if (phonetic.Length > 0)
        {
            return string.Concat(alphabetic, "=", ideographic, "=", phonetic);
        }

        return ideographic.Length > 0 ? string.Concat(alphabetic, "=", ideographic) : alphabetic;
    }

    private string ComponentGroup(DicomTag tag, JsonElement value, string name)
    {
        if (!value.TryGetProperty(name, out var group) || group.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        return group.ValueKind == JsonValueKind.String
            ? StringOf(tag, group)
            : throw Error(tag, $"the PN component group \"{name}\" must be a string, not {Describe(group.ValueKind)}.");
    }

    private static byte[] EncodeText(DicomTag tag, DicomVR vr, string text, DicomDataset target)
    {
        // Specific Character Set itself is in the default repertoire; everything else uses the data set's.
        try
        {
            var bytes = tag == DicomTags.SpecificCharacterSet ? Encoding.ASCII.GetBytes(text) : target.CharacterSet.Encode(text, vr);
            return DicomDataset.PadToEven(bytes, vr.Padding);
        }
        catch (DicomException exception) when (exception is not DicomJsonException)
        {
            throw new DicomJsonException($"{tag.ToHexString()}: {exception.Message}", exception);
        }
    }

    private byte[] ReadNumbers(DicomTag tag, DicomVR vr, JsonElement json)
    {
        var size = vr == DicomVR.AT ? 4 : vr.UnitSize;
        var bytes = new byte[json.GetArrayLength() * size];
        var offset = 0;
        foreach (var value in json.EnumerateArray())
        {
            WriteNumber(tag, vr, value, bytes.AsSpan(offset, size));
            offset += size;
        }

        return bytes;
    }

    private void WriteNumber(DicomTag tag, DicomVR vr, JsonElement value, Span<byte> unit)
    {
        if (vr == DicomVR.AT)
        {
            if (value.ValueKind != JsonValueKind.String || StringOf(tag, value) is not { Length: 8 } text
                || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tagValue))
            {
                throw Error(tag, $"AT values are tags written as eight hexadecimal digits, not {value.GetRawText()}.");
            }

            BinaryPrimitives.WriteUInt16LittleEndian(unit, (ushort)(tagValue >> 16));
            BinaryPrimitives.WriteUInt16LittleEndian(unit[2..], (ushort)tagValue);
        }
        else if (vr == DicomVR.FL)
        {
            BinaryPrimitives.WriteSingleLittleEndian(unit, (float)FloatingPoint(tag, vr, value, single: true));
        }
        else if (vr == DicomVR.FD)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(unit, FloatingPoint(tag, vr, value, single: false));
        }
        else if (vr == DicomVR.UV)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(unit, UnsignedInteger(tag, vr, value));
        }
        else
        {
            var (min, max) = vr.Code switch
            {
                "US" => (ushort.MinValue, ushort.MaxValue),
                "SS" => (short.MinValue, short.MaxValue),
                "UL" => (uint.MinValue, uint.MaxValue),
                "SL" => (int.MinValue, int.MaxValue),
                _ => (long.MinValue, long.MaxValue),
            };
            var number = SignedInteger(tag, vr, value);
            if (number < min || number > max)
            {
                throw Error(tag, $"{number} is out of the range of {vr} ({min} to {max}).");
            }

            switch (vr.Code)
            {
                case "US": BinaryPrimitives.WriteUInt16LittleEndian(unit, (ushort)number); break;
                case "SS": BinaryPrimitives.WriteInt16LittleEndian(unit, (short)number); break;
                case "UL": BinaryPrimitives.WriteUInt32LittleEndian(unit, (uint)number); break;
                case "SL": BinaryPrimitives.WriteInt32LittleEndian(unit, (int)number); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(unit, number); break;
            }
        }
    }

    private long SignedInteger(DicomTag tag, DicomVR vr, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        // SV may be a string to keep precision beyond 2^53 (PS3.18 table F.2.3-1); 1.0 or 1e3 are integers too.
        if (IntegerText(tag, vr, value) is { } text && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && decimal.Truncate(parsed) == parsed && parsed >= long.MinValue && parsed <= long.MaxValue)
        {
            return (long)parsed;
        }

        throw Error(tag, $"{vr} values are integers, not {value.GetRawText()}.");
    }

    private ulong UnsignedInteger(DicomTag tag, DicomVR vr, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number))
        {
            return number;
        }

        if (IntegerText(tag, vr, value) is { } text && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && decimal.Truncate(parsed) == parsed && parsed >= ulong.MinValue && parsed <= ulong.MaxValue)
        {
            return (ulong)parsed;
        }

        throw Error(tag, $"{vr} values are integers from 0 to {ulong.MaxValue}, not {value.GetRawText()}.");
    }

    private string? IntegerText(DicomTag tag, DicomVR vr, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String when vr == DicomVR.SV || vr == DicomVR.UV => StringOf(tag, value).Trim(),
        _ => null,
    };

    private double FloatingPoint(DicomTag tag, DicomVR vr, JsonElement value, bool single)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (single && value.TryGetSingle(out var singleValue))
            {
                return singleValue;
            }

            if (!single && value.TryGetDouble(out var doubleValue))
            {
                return doubleValue;
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            // DicomJsonWriter writes non-finite values as these strings, since JSON numbers cannot be.
            switch (StringOf(tag, value))
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }

        throw Error(tag, $"{vr} values are numbers, not {value.GetRawText()}.");
    }

    private DicomElement ReadInlineBinary(DicomTag tag, DicomVR vr, JsonElement json, bool topLevel)
    {
        var text = SingleString(tag, json, "InlineBinary");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException exception)
        {
            throw new DicomJsonException($"{_path.Describe(tag)}: \"InlineBinary\" is not valid base64.", exception);
        }

        return BinaryElement(tag, vr, bytes, topLevel);
    }

    private DicomElement ReadBulkDataUri(DicomTag tag, DicomVR vr, JsonElement json, bool topLevel)
    {
        if (vr == DicomVR.SQ)
        {
            throw Error(tag, "a sequence cannot be given as a BulkDataURI.");
        }

        var uri = SingleString(tag, json, "BulkDataURI");
        if (uri.Length == 0)
        {
            throw Error(tag, "\"BulkDataURI\" is empty.");
        }

        var reference = new DicomBulkDataReference(tag, vr, uri);
        return options.BulkDataResolver is { } resolve ? BinaryElement(tag, vr, resolve(reference), topLevel) : reference;
    }

    /// <summary>
    /// A value given as bytes. Pixel Data in OB or OW is never encapsulated in a native transfer syntax; top-level
    /// Pixel Data is in an encapsulated one; otherwise (no transfer syntax known, or an icon image in an item, which
    /// may go either way) it is taken as encapsulated when the bytes are exactly a run of PS3.5 A.4 items.
    /// </summary>
    internal DicomElement BinaryElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes, bool topLevel)
    {
        if (vr == DicomVR.SQ)
        {
            throw Error(tag, "a sequence is given as a Value array of items, not as bytes.");
        }

        if (tag == DicomTags.PixelData && (vr == DicomVR.OB || vr == DicomVR.OW) && _encapsulated != false)
        {
            if (EncapsulatedValueField.TryDecode(tag, vr, bytes, out var fragments))
            {
                return fragments;
            }

            if (_encapsulated == true && topLevel)
            {
                throw Error(tag, "the transfer syntax is encapsulated, but the pixel data are not a run of items (PS3.5 A.4).");
            }
        }

        return new DicomValueElement(tag, vr, bytes);
    }

    /// <summary>A string, or (as the PS3.18 F.4 example has it) an array holding one string.</summary>
    private string SingleString(DicomTag tag, JsonElement json, string name)
    {
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 1)
        {
            json = json[0];
        }

        return json.ValueKind == JsonValueKind.String
            ? StringOf(tag, json)
            : throw Error(tag, $"\"{name}\" must be a string, not {Describe(json.ValueKind)}.");
    }

    /// <summary>A JSON string's text; an escaped unpaired surrogate (valid JSON, but not text) is a DICOM JSON error.</summary>
    private string StringOf(DicomTag tag, JsonElement json)
    {
        try
        {
            return json.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            throw new DicomJsonException($"{_path.Describe(tag)}: a string holds an unpaired surrogate escape, which is not text.", exception);
        }
    }

    private DicomJsonException Error(DicomTag tag, string problem) => new($"{_path.Describe(tag)}: {problem}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
