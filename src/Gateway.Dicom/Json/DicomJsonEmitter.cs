using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Gateway.Dicom.Text;

namespace Gateway.Dicom.Json;

/// <summary>
/// Writes one data set as a DICOM JSON Model object (PS3.18 F.2) to a <see cref="Utf8JsonWriter"/>, element by
/// element in tag order, without building an intermediate document.
/// </summary>
internal sealed class DicomJsonEmitter(Utf8JsonWriter writer, DicomJsonWriterOptions options)
{
    private readonly ElementPathTracker _path = new();

    public void WriteDataset(DicomDataset dataset, DicomDataset? fileMetaInformation)
    {
        var characterSet = dataset.CharacterSet;
        writer.WriteStartObject();
        if (fileMetaInformation is null || !options.IncludeFileMetaInformation)
        {
            WriteElements(dataset, characterSet);
        }
        else
        {
            WriteMerged(fileMetaInformation, dataset, characterSet);
        }

        writer.WriteEndObject();
    }

    private void WriteItem(DicomDataset item, DicomCharacterSet inherited)
    {
        // An item uses the character set of the data set that contains it unless it has its own (PS3.5 7.5.3).
        var characterSet = item.Contains(DicomTags.SpecificCharacterSet) ? item.CharacterSet : inherited;
        writer.WriteStartObject();
        WriteElements(item, characterSet);
        writer.WriteEndObject();
    }

    private void WriteElements(DicomDataset dataset, DicomCharacterSet characterSet)
    {
        foreach (var element in dataset)
        {
            if (IsWritten(element.Tag))
            {
                WriteElement(element, characterSet);
            }
        }
    }

    /// <summary>The meta group and the data set as one object, still in tag order.</summary>
    private void WriteMerged(DicomDataset meta, DicomDataset dataset, DicomCharacterSet characterSet)
    {
        using var metaElements = meta.GetEnumerator();
        var metaLeft = metaElements.MoveNext();
        foreach (var element in dataset)
        {
            while (metaLeft && metaElements.Current.Tag < element.Tag)
            {
                WriteIfWritten(metaElements.Current, characterSet);
                metaLeft = metaElements.MoveNext();
            }

            if (metaLeft && metaElements.Current.Tag == element.Tag)
            {
                metaLeft = metaElements.MoveNext();
            }

            WriteIfWritten(element, characterSet);
        }

        while (metaLeft)
        {
            WriteIfWritten(metaElements.Current, characterSet);
            metaLeft = metaElements.MoveNext();
        }
    }

    private void WriteIfWritten(DicomElement element, DicomCharacterSet characterSet)
    {
        if (IsWritten(element.Tag))
        {
            WriteElement(element, characterSet);
        }
    }

    private bool IsWritten(DicomTag tag) =>
        !tag.IsGroupLength && (tag.Group != 0x0002 || options.IncludeFileMetaInformation);

    private void WriteElement(DicomElement element, DicomCharacterSet characterSet)
    {
        Span<byte> key = stackalloc byte[8];
        element.Tag.Value.TryFormat(key, out _, "X8", CultureInfo.InvariantCulture);
        writer.WritePropertyName(key);
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Vr, element.VR.Code);
        switch (element)
        {
            case DicomValueElement value:
                WriteValue(value, characterSet);
                break;
            case DicomSequence sequence:
                WriteSequence(sequence, characterSet);
                break;
            case DicomFragmentSequence fragments:
                WriteFragments(fragments);
                break;
            case DicomBulkDataReference reference:
                writer.WriteString(JsonNames.BulkDataUri, reference.Uri);
                break;
            default:
                throw new DicomException($"{_path.Describe(element.Tag)}: cannot write a {element.GetType().Name} as DICOM JSON.");
        }

        writer.WriteEndObject();
    }

    private void WriteValue(DicomValueElement element, DicomCharacterSet characterSet)
    {
        if (element.Length == 0)
        {
            return; // PS3.18 F.2.5: an empty attribute has no Value, BulkDataURI or InlineBinary.
        }

        var vr = element.VR;
        if (options.BulkData is { } policy && element.Length > policy.ThresholdBytes && DicomBulkDataPolicy.AllowsBulkData(vr)
            && policy.UriFactory(_path.PathOf(element.Tag), element) is { } uri)
        {
            writer.WriteString(JsonNames.BulkDataUri, uri);
            return;
        }

        switch (vr.Kind)
        {
            case VRKind.Bulk:
                writer.WriteBase64String(JsonNames.InlineBinary, element.Value.Span);
                break;
            case VRKind.Binary:
                WriteNumbers(element);
                break;
            default:
                WriteText(element, characterSet.Decode(element.Value.Span, vr));
                break;
        }
    }

    private void WriteSequence(DicomSequence sequence, DicomCharacterSet characterSet)
    {
        if (sequence.Items.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(JsonNames.Value);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            _path.Enter(sequence.Tag, i);
            WriteItem(sequence.Items[i], characterSet);
            _path.Leave();
        }

        writer.WriteEndArray();
    }

    private void WriteFragments(DicomFragmentSequence fragments)
    {
        // Encapsulated pixel data is always offered to the bulk data policy (WADO-RS serves it as frames or
        // bulk data); without a URI its Value Field goes inline, as PS3.18 F.2.7 defines InlineBinary.
        if (options.BulkData?.UriFactory(_path.PathOf(fragments.Tag), fragments) is { } uri)
        {
            writer.WriteString(JsonNames.BulkDataUri, uri);
            return;
        }

        writer.WriteBase64String(JsonNames.InlineBinary, EncapsulatedValueField.Encode(fragments));
    }

    private void WriteText(DicomValueElement element, string decoded)
    {
        var vr = element.VR;
        ReadOnlySpan<char> text = decoded;
        if (!vr.IsMultiValued)
        {
            var single = TrimValue(text, vr);
            if (single.IsEmpty)
            {
                return;
            }

            writer.WriteStartArray(JsonNames.Value);
            WriteTextValue(single, vr);
            writer.WriteEndArray();
            return;
        }

        if (!text.Contains('\\') && TrimValue(text, vr).IsEmpty)
        {
            return;
        }

        writer.WriteStartArray(JsonNames.Value);
        while (true)
        {
            var separator = text.IndexOf('\\');
            var value = separator < 0 ? text : text[..separator];
            WriteTextValue(TrimValue(value, vr), vr);
            if (separator < 0)
            {
                break;
            }

            text = text[(separator + 1)..];
        }

        writer.WriteEndArray();
    }

    private void WriteTextValue(ReadOnlySpan<char> value, DicomVR vr)
    {
        if (value.IsEmpty)
        {
            writer.WriteNullValue(); // PS3.18 F.2.5: an empty value among several is null.
        }
        else if (vr == DicomVR.PN)
        {
            WritePersonName(value);
        }
        else if (vr == DicomVR.DS || vr == DicomVR.IS)
        {
            WriteDecimal(value);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>DS and IS as JSON numbers with the value's own digits (PS3.18 table F.2.3-1).</summary>
    private void WriteDecimal(ReadOnlySpan<char> value)
    {
        if (DecimalText.IsJsonNumber(value))
        {
            writer.WriteRawValue(value, skipInputValidation: true);
        }
        else if (DecimalText.ToJsonNumber(value) is { } number)
        {
            writer.WriteRawValue(number, skipInputValidation: true);
        }
        else
        {
            // Not a number at all: table F.2.3-1 lets DS and IS be JSON strings, which keeps the text.
            writer.WriteStringValue(value);
        }
    }

    /// <summary>PS3.18 F.2.2: the non-empty component groups of a name, split at '='.</summary>
    private void WritePersonName(ReadOnlySpan<char> value)
    {
        var first = value.IndexOf('=');
        var alphabetic = first < 0 ? value : value[..first];
        var rest = first < 0 ? ReadOnlySpan<char>.Empty : value[(first + 1)..];
        var second = rest.IndexOf('=');
        var ideographic = second < 0 ? rest : rest[..second];
        var phonetic = second < 0 ? ReadOnlySpan<char>.Empty : rest[(second + 1)..];
        if (alphabetic.IsEmpty && ideographic.IsEmpty && phonetic.IsEmpty)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        WriteComponentGroup(JsonNames.Alphabetic, alphabetic);
        WriteComponentGroup(JsonNames.Ideographic, ideographic);
        WriteComponentGroup(JsonNames.Phonetic, phonetic);
        writer.WriteEndObject();
    }

    private void WriteComponentGroup(JsonEncodedText name, ReadOnlySpan<char> group)
    {
        if (!group.IsEmpty)
        {
            writer.WriteString(name, group);
        }
    }

    private void WriteNumbers(DicomValueElement element)
    {
        var vr = element.VR;
        var span = element.Value.Span;
        var size = vr == DicomVR.AT ? 4 : vr.UnitSize;
        if (span.Length % size != 0)
        {
            throw new DicomException($"{_path.Describe(element.Tag)}: a {vr} value of {span.Length} bytes is not a whole number of {size}-byte values.");
        }

        writer.WriteStartArray(JsonNames.Value);
        for (var offset = 0; offset < span.Length; offset += size)
        {
            WriteNumber(vr, span.Slice(offset, size));
        }

        writer.WriteEndArray();
    }

    private void WriteNumber(DicomVR vr, ReadOnlySpan<byte> unit)
    {
        if (vr == DicomVR.US)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(unit));
        }
        else if (vr == DicomVR.SS)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(unit));
        }
        else if (vr == DicomVR.UL)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(unit));
        }
        else if (vr == DicomVR.SL)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(unit));
        }
        else if (vr == DicomVR.SV)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(unit));
        }
        else if (vr == DicomVR.UV)
        {
            writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(unit));
        }
        else if (vr == DicomVR.FL)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(unit);
            if (float.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                WriteNonFinite(value);
            }
        }
        else if (vr == DicomVR.FD)
        {
            var value = BinaryPrimitives.ReadDoubleLittleEndian(unit);
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                WriteNonFinite(value);
            }
        }
        else
        {
            // AT: group then element, each a little-endian 16-bit number, as "GGGGEEEE" (PS3.18 F.2.3).
            var tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(unit) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(unit[2..]);
            Span<byte> hex = stackalloc byte[8];
            tag.TryFormat(hex, out _, "X8", CultureInfo.InvariantCulture);
            writer.WriteStringValue(hex);
        }
    }

    /// <summary>
    /// JSON numbers cannot be NaN or infinite; such FL/FD values are written as the strings "NaN", "Infinity" and
    /// "-Infinity" (which <see cref="DicomJsonReader"/> reads back) rather than dropped or made invalid JSON.
    /// </summary>
    private void WriteNonFinite(double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    /// <summary>
    /// Drops padding: trailing spaces and NULs from every text value, and leading spaces where PS3.5 table 6.2-1
    /// calls them insignificant (AE, CS, DS, IS, LO, SH).
    /// </summary>
    private static ReadOnlySpan<char> TrimValue(ReadOnlySpan<char> value, DicomVR vr)
    {
        var trimmed = value.TrimEnd(" \0");
        return vr == DicomVR.AE || vr == DicomVR.CS || vr == DicomVR.DS || vr == DicomVR.IS || vr == DicomVR.LO || vr == DicomVR.SH
            ? trimmed.TrimStart(' ')
            : trimmed;
    }
}
