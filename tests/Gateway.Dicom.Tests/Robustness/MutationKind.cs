namespace Gateway.Dicom.Tests.Robustness;

/// <summary>The ways <see cref="Mutator"/> damages a file. Structure-aware kinds aim at headers found by <see cref="LayoutScanner"/>.</summary>
internal enum MutationKind
{
    /// <summary>Cut at a random offset (mostly inside headers rather than pixel data).</summary>
    Truncate,

    /// <summary>Cut exactly at a header start, inside a header, at a value start or at an element end.</summary>
    TruncateAtBoundary,

    /// <summary>A length field set to 0xFFFFFFF0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE... (0xFFFF, 0xFFFE for 16-bit fields).</summary>
    HugeLength,

    /// <summary>A length field set to undefined (0xFFFFFFFF), mostly on elements that may not have one.</summary>
    UndefinedLength,

    /// <summary>A length made odd.</summary>
    OddLength,

    /// <summary>A length pointing a little or far past the end of the data.</summary>
    LengthPastEnd,

    /// <summary>A length moved by a few bytes, or zeroed.</summary>
    LengthShift,

    /// <summary>The two VR bytes replaced by another VR, an unknown one, lower case or binary.</summary>
    CorruptVR,

    /// <summary>A tag replaced by an item or delimiter tag, a meta group or pixel data tag, a lower tag, or random.</summary>
    CorruptTag,

    /// <summary>An item, item delimiter or sequence delimiter inserted at an element boundary.</summary>
    InsertDelimiter,

    /// <summary>An item header, delimiter or fragment removed.</summary>
    RemoveDelimiter,

    DuplicateElement,

    DeleteElement,

    DuplicateBlock,

    DeleteBlock,

    ByteFlips,

    BitFlips,

    /// <summary>The Transfer Syntax UID replaced by another known UID or by garbage.</summary>
    SwapTransferSyntax,

    /// <summary>File Meta Information Group Length (0002,0000) set to a wrong value.</summary>
    MetaGroupLengthLie,

    /// <summary>Preamble or "DICM" removed or damaged (or added to a file without them).</summary>
    StripPreamble,

    /// <summary>Sequences nested up to thousands deep inserted at an element boundary.</summary>
    InjectDeepNesting,

    /// <summary>A hand-made element with a forged length (huge, undefined on a non-SQ, odd) inserted at an element boundary.</summary>
    InjectForgedElement,

    /// <summary>The compressed bytes of a deflated data set damaged (flips, truncation, junk, a zlib header).</summary>
    DeflateCorruption,
}
