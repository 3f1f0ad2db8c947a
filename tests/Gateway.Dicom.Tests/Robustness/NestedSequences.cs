namespace Gateway.Dicom.Tests.Robustness;

/// <summary>How <see cref="NestedSequences"/> encodes its levels.</summary>
public enum NestingForm
{
    /// <summary>SQ of undefined length holding one item of undefined length, closed by delimiters.</summary>
    UndefinedLengths,

    /// <summary>SQ and items of defined length (no delimiters).</summary>
    DefinedLengths,

    /// <summary>Outermost element is explicit VR UN of undefined length: its value is implicit VR little endian (PS3.5 6.2.2).</summary>
    UnknownVRUndefinedLength,

    /// <summary>Outermost element is explicit VR UN of defined length with a tag the dictionary knows as SQ.</summary>
    UnknownVRDefinedLength,
}

/// <summary>
/// Builds data sets of sequences nested <c>depth</c> levels deep, each level one Referenced Image Sequence
/// (0008,1140) holding one item that holds the next level; the innermost item holds Modality (0008,0060) "MR".
/// Encoded iteratively (prefixes, core, suffixes) so a million levels cost no recursion here.
/// </summary>
internal static class NestedSequences
{
    public const ushort SequenceGroup = 0x0008;
    public const ushort SequenceElement = 0x1140;

    public static byte[] Build(int depth, NestingForm form, bool explicitVR = true, bool bigEndian = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var outerUnknown = form is NestingForm.UnknownVRUndefinedLength or NestingForm.UnknownVRDefinedLength;
        if (outerUnknown)
        {
            // The value of an explicit VR UN element is implicit VR little endian, whatever encloses it.
            explicitVR = false;
            bigEndian = false;
        }

        var core = new DicomBytes(explicitVR, bigEndian).Text(0x0008, 0x0060, "CS", "MR").ToArray();
        var output = new DicomBytes(explicitVR, bigEndian);
        if (form is NestingForm.DefinedLengths or NestingForm.UnknownVRDefinedLength)
        {
            WriteDefined(output, depth, core, explicitVR, bigEndian, outerUnknown);
        }
        else
        {
            WriteUndefined(output, depth, core, explicitVR, bigEndian, outerUnknown);
        }

        return output.ToArray();
    }

    private static void WriteUndefined(DicomBytes output, int depth, byte[] core, bool explicitVR, bool bigEndian, bool outerUnknown)
    {
        for (var level = 0; level < depth; level++)
        {
            output.Raw(level == 0 && outerUnknown
                ? DicomBytes.Header(SequenceGroup, SequenceElement, "UN", DicomBytes.UndefinedLength, true, false)
                : DicomBytes.Header(SequenceGroup, SequenceElement, "SQ", DicomBytes.UndefinedLength, explicitVR, bigEndian));
            output.Raw(DicomBytes.Delimiter(0xE000, DicomBytes.UndefinedLength, bigEndian));
        }

        output.Raw(core);
        var close = new DicomBytes(false, bigEndian).DelimiterHeader(0xE00D, 0).DelimiterHeader(0xE0DD, 0).ToArray();
        for (var level = 0; level < depth; level++)
        {
            output.Raw(close);
        }
    }

    private static void WriteDefined(DicomBytes output, int depth, byte[] core, bool explicitVR, bool bigEndian, bool outerUnknown)
    {
        var innerHeader = explicitVR ? 12u : 8u;
        var itemLengths = new uint[depth];
        var sequenceLengths = new uint[depth];
        var content = (uint)core.Length;
        for (var level = depth - 1; level >= 0; level--)
        {
            itemLengths[level] = content;
            sequenceLengths[level] = checked(8 + content);
            content = checked((level == 0 && outerUnknown ? 12u : innerHeader) + sequenceLengths[level]);
        }

        for (var level = 0; level < depth; level++)
        {
            output.Raw(level == 0 && outerUnknown
                ? DicomBytes.Header(SequenceGroup, SequenceElement, "UN", sequenceLengths[level], true, false)
                : DicomBytes.Header(SequenceGroup, SequenceElement, "SQ", sequenceLengths[level], explicitVR, bigEndian));
            output.Raw(DicomBytes.Delimiter(0xE000, itemLengths[level], bigEndian));
        }

        output.Raw(core);
    }
}
