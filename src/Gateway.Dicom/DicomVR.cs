namespace Gateway.Dicom;

/// <summary>How the bytes of a value representation are interpreted.</summary>
public enum VRKind
{
    /// <summary>Character string (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT).</summary>
    Text,

    /// <summary>Fixed-size binary numbers (AT, FL, FD, SL, SS, SV, UL, US, UV).</summary>
    Binary,

    /// <summary>Other-type byte or word streams (OB, OD, OF, OL, OV, OW, UN).</summary>
    Bulk,

    /// <summary>Sequence of items (SQ).</summary>
    Sequence,
}

/// <summary>A value representation of PS3.5 section 6.2: its code and the encoding rules that follow from it.</summary>
public sealed class DicomVR
{
    private DicomVR(string code, VRKind kind, bool longLength, int unitSize, byte padding, bool charsetDependent, bool multiValued, uint maxLength)
    {
        Code = code;
        Kind = kind;
        HasLongExplicitLength = longLength;
        UnitSize = unitSize;
        Padding = padding;
        IsCharacterSetDependent = charsetDependent;
        IsMultiValued = multiValued;
        MaxLength = maxLength;
    }

    /// <summary>The two-letter code.</summary>
    public string Code { get; }

    public VRKind Kind { get; }

    /// <summary>Explicit VR encodings use two reserved bytes and a 32-bit length (PS3.5 table 7.1-1).</summary>
    public bool HasLongExplicitLength { get; }

    /// <summary>Byte size of one numeric unit, for byte swapping; 1 for text and byte streams.</summary>
    public int UnitSize { get; }

    /// <summary>The byte that pads a value to even length: space for text, NUL for UI and binary.</summary>
    public byte Padding { get; }

    /// <summary>Whether Specific Character Set (0008,0005) applies to the value (SH, LO, ST, LT, PN, UC, UT).</summary>
    public bool IsCharacterSetDependent { get; }

    /// <summary>Whether a backslash separates multiple values (text VRs other than LT, ST, UT, UR).</summary>
    public bool IsMultiValued { get; }

    /// <summary>Maximum length of one value in bytes (characters for text), or uint.MaxValue when unbounded.</summary>
    public uint MaxLength { get; }

    public bool IsText => Kind == VRKind.Text;

    public override string ToString() => Code;

    public static readonly DicomVR AE = new("AE", VRKind.Text, false, 1, (byte)' ', false, true, 16);
    public static readonly DicomVR AS = new("AS", VRKind.Text, false, 1, (byte)' ', false, true, 4);
    public static readonly DicomVR AT = new("AT", VRKind.Binary, false, 2, 0, false, false, 4);
    public static readonly DicomVR CS = new("CS", VRKind.Text, false, 1, (byte)' ', false, true, 16);
    public static readonly DicomVR DA = new("DA", VRKind.Text, false, 1, (byte)' ', false, true, 18);
    public static readonly DicomVR DS = new("DS", VRKind.Text, false, 1, (byte)' ', false, true, 16);
    public static readonly DicomVR DT = new("DT", VRKind.Text, false, 1, (byte)' ', false, true, 54);
    public static readonly DicomVR FD = new("FD", VRKind.Binary, false, 8, 0, false, false, 8);
    public static readonly DicomVR FL = new("FL", VRKind.Binary, false, 4, 0, false, false, 4);
    public static readonly DicomVR IS = new("IS", VRKind.Text, false, 1, (byte)' ', false, true, 12);
    public static readonly DicomVR LO = new("LO", VRKind.Text, false, 1, (byte)' ', true, true, 64);
    public static readonly DicomVR LT = new("LT", VRKind.Text, false, 1, (byte)' ', true, false, 10240);
    public static readonly DicomVR OB = new("OB", VRKind.Bulk, true, 1, 0, false, false, uint.MaxValue);
    public static readonly DicomVR OD = new("OD", VRKind.Bulk, true, 8, 0, false, false, uint.MaxValue);
    public static readonly DicomVR OF = new("OF", VRKind.Bulk, true, 4, 0, false, false, uint.MaxValue);
    public static readonly DicomVR OL = new("OL", VRKind.Bulk, true, 4, 0, false, false, uint.MaxValue);
    public static readonly DicomVR OV = new("OV", VRKind.Bulk, true, 8, 0, false, false, uint.MaxValue);
    public static readonly DicomVR OW = new("OW", VRKind.Bulk, true, 2, 0, false, false, uint.MaxValue);
    public static readonly DicomVR PN = new("PN", VRKind.Text, false, 1, (byte)' ', true, true, 64 * 3);
    public static readonly DicomVR SH = new("SH", VRKind.Text, false, 1, (byte)' ', true, true, 16);
    public static readonly DicomVR SL = new("SL", VRKind.Binary, false, 4, 0, false, false, 4);
    public static readonly DicomVR SQ = new("SQ", VRKind.Sequence, true, 1, 0, false, false, uint.MaxValue);
    public static readonly DicomVR SS = new("SS", VRKind.Binary, false, 2, 0, false, false, 2);
    public static readonly DicomVR ST = new("ST", VRKind.Text, false, 1, (byte)' ', true, false, 1024);
    public static readonly DicomVR SV = new("SV", VRKind.Binary, true, 8, 0, false, false, 8);
    public static readonly DicomVR TM = new("TM", VRKind.Text, false, 1, (byte)' ', false, true, 14);
    public static readonly DicomVR UC = new("UC", VRKind.Text, true, 1, (byte)' ', true, true, uint.MaxValue - 1);
    public static readonly DicomVR UI = new("UI", VRKind.Text, false, 1, 0, false, true, 64);
    public static readonly DicomVR UL = new("UL", VRKind.Binary, false, 4, 0, false, false, 4);
    public static readonly DicomVR UN = new("UN", VRKind.Bulk, true, 1, 0, false, false, uint.MaxValue);
    public static readonly DicomVR UR = new("UR", VRKind.Text, true, 1, (byte)' ', false, false, uint.MaxValue - 1);
    public static readonly DicomVR US = new("US", VRKind.Binary, false, 2, 0, false, false, 2);
    public static readonly DicomVR UT = new("UT", VRKind.Text, true, 1, (byte)' ', true, false, uint.MaxValue - 1);
    public static readonly DicomVR UV = new("UV", VRKind.Binary, true, 8, 0, false, false, 8);

    /// <summary>Every VR of PS3.5 table 6.2-1, in alphabetical order.</summary>
    public static IReadOnlyList<DicomVR> All { get; } =
    [
        AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN,
        SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV,
    ];

    private static readonly Dictionary<ushort, DicomVR> ByCode = All.ToDictionary(vr => Key((byte)vr.Code[0], (byte)vr.Code[1]));

    private static ushort Key(byte first, byte second) => (ushort)((first << 8) | second);

    /// <summary>Looks up the VR whose code is the two bytes read from an explicit VR encoding.</summary>
    public static bool TryParse(byte first, byte second, out DicomVR vr) => ByCode.TryGetValue(Key(first, second), out vr!);

    public static bool TryParse(string? code, out DicomVR vr)
    {
        vr = null!;
        return code is { Length: 2 } && code[0] < 128 && code[1] < 128 && TryParse((byte)code[0], (byte)code[1], out vr);
    }

    public static DicomVR Parse(string code) =>
        TryParse(code, out var vr) ? vr : throw new FormatException($"'{code}' is not a DICOM value representation.");
}
