namespace Gateway.Dicom.Tests.Robustness;

internal enum EntryKind
{
    Element,
    Item,
    ItemDelimiter,
    SequenceDelimiter,
    Fragment,
}

/// <summary>
/// One header found by <see cref="LayoutScanner"/>: where its tag, VR and length field lie, so mutations can aim
/// at the bytes that matter instead of at pixel data.
/// </summary>
internal sealed class LayoutEntry
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    public required EntryKind Kind { get; init; }

    public required ushort Group { get; init; }

    public required ushort Element { get; init; }

    /// <summary>Offset of the tag.</summary>
    public required int Offset { get; init; }

    /// <summary>Offset of the two VR bytes, or -1 when there are none (implicit VR, items, delimiters).</summary>
    public required int VROffset { get; init; }

    public required int LengthOffset { get; init; }

    /// <summary>2 or 4.</summary>
    public required int LengthSize { get; init; }

    public required int ValueOffset { get; init; }

    public required uint Length { get; init; }

    public required bool BigEndian { get; init; }

    /// <summary>The VR code read (explicit VR only).</summary>
    public string? VR { get; init; }

    /// <summary>Offset just past the element (after its closing delimiter when of undefined length); -1 when unknown.</summary>
    public long End { get; set; } = -1;

    public bool IsContainer { get; set; }

    public override string ToString() =>
        $"{Kind} ({Group:X4},{Element:X4}){(VR is null ? "" : " " + VR)} at 0x{Offset:X} length {(Length == UndefinedLength ? "undefined" : Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}
