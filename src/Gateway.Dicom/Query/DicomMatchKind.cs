namespace Gateway.Dicom.Query;

/// <summary>The types of attribute matching of PS3.4 C.2.2.2 that a key of a query identifier asks for.</summary>
public enum DicomMatchKind
{
    /// <summary>C.2.2.2.3: a zero-length value (or a value of only "*", or a sequence key without item keys) matches every entity.</summary>
    Universal,

    /// <summary>C.2.2.2.1: the value, or for dates and times the period it denotes, must equal the entity's.</summary>
    SingleValue,

    /// <summary>C.2.2.2.2: a backslash-separated list of UIDs; an entity matches if its UID is one of them.</summary>
    ListOfUid,

    /// <summary>C.2.2.2.4: "*" matches any run of characters (also none), "?" any one character.</summary>
    WildCard,

    /// <summary>C.2.2.2.5: "a-b", "a-" or "-b" on a DA, TM or DT attribute, bounds included.</summary>
    Range,

    /// <summary>C.2.2.2.6: a sequence key with one item holding item keys; an entity matches if one of its items matches them all.</summary>
    Sequence,
}
