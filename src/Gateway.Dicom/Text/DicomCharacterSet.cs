using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Gateway.Dicom.Text;

/// <summary>
/// The character sets that Specific Character Set (0008,0005) declares (PS3.5 6.1, PS3.3 C.12.1.1.2), turning the bytes of
/// SH, LO, ST, LT, PN, UC and UT values into strings and back. Immutable; one instance per distinct (0008,0005) value.
/// </summary>
/// <remarks>
/// Supported: the default repertoire, ISO_IR 100, 101, 109, 110, 126, 127, 138, 144, 148, 166, 203, 13, ISO_IR 192
/// (UTF-8), GB18030, GBK, and the ISO 2022 terms IR 6, 13, 100, 101, 109, 110, 126, 127, 138, 144, 148, 166, 203, 87,
/// 159, 149 and 58 with escape-sequence switching. Decoding never throws: bytes a set does not define become U+FFFD
/// (the data set keeps the original bytes), GR bytes with no G1 set decode as ISO 8859-1, and unknown terms act as
/// the default repertoire. Values keep their padding and delimiters: a multi-valued string still contains its
/// backslashes, a PN its '=' and '^'.
/// </remarks>
public sealed class DicomCharacterSet
{
    private const byte Esc = 0x1B;

    /// <summary>More distinct (0008,0005) values than this are decoded but not cached, so hostile input cannot grow the cache.</summary>
    private const int CacheLimit = 256;

    private static readonly ConcurrentDictionary<string, DicomCharacterSet> Cache = new(StringComparer.Ordinal);

    private readonly Iso2022Repertoire? repertoire;
    private readonly Encoding? standalone;

    private DicomCharacterSet(IReadOnlyList<string> terms, IReadOnlyList<string> ignoredTerms, Iso2022Repertoire? repertoire, Encoding? standalone)
    {
        Terms = terms.ToArray().AsReadOnly();
        IgnoredTerms = ignoredTerms.ToArray().AsReadOnly();
        this.repertoire = repertoire;
        this.standalone = standalone;
    }

    /// <summary>The default character repertoire (ISO-IR 6), which applies when (0008,0005) is absent or empty.</summary>
    public static DicomCharacterSet Default { get; } = new(
        [],
        [],
        new Iso2022Repertoire(GraphicSets.Ascii, null, false, []),
        null);

    /// <summary>The values of (0008,0005) this instance was made from, trimmed; empty for <see cref="Default"/>.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>
    /// Terms that play no part: ones that are not defined terms (even allowing for the usual misspellings such as
    /// "ISO IR 100"), stand-alone terms (ISO_IR 192, GB18030, GBK) after value 1, and every term after a stand-alone value 1.
    /// </summary>
    public IReadOnlyList<string> IgnoredTerms { get; }

    /// <summary>Whether values may switch character sets with ISO 2022 escape sequences.</summary>
    public bool UsesCodeExtensions => repertoire?.UsesCodeExtensions ?? false;

    /// <summary>The character set for the values of (0008,0005), as read (trailing spaces may be left in; they are trimmed here).</summary>
    /// <param name="terms">The values of (0008,0005); an empty value 1 followed by others means the default repertoire with code extensions.</param>
    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var trimmed = terms.Select(t => (t ?? string.Empty).Trim(' ', '\0')).ToArray();
        if (trimmed.All(t => t.Length == 0) && trimmed.Length <= 1)
        {
            return Default;
        }

        var key = string.Join('\\', trimmed);
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var created = Create(trimmed);
        return Cache.Count < CacheLimit ? Cache.GetOrAdd(key, created) : created;
    }

    /// <summary>
    /// The string a value's bytes stand for. VRs that Specific Character Set does not apply to are read as ASCII
    /// (bytes 0x80-0xFF as ISO 8859-1). Character sets are switched by escape sequences and reset to value 1's at each
    /// delimiter (backslash for multi-valued VRs, '^' and '=' for PN, control characters such as CR, LF, FF and TAB).
    /// </summary>
    public string Decode(ReadOnlySpan<byte> value, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        if (!vr.IsCharacterSetDependent || repertoire is { InitialG1: null, UsesCodeExtensions: false })
        {
            return Encoding.Latin1.GetString(value);
        }

        if (standalone is not null)
        {
            return standalone.GetString(value);
        }

        if (value.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0 && value.IndexOf(Esc) < 0)
        {
            return Encoding.Latin1.GetString(value);
        }

        return Iso2022Decoder.Decode(value, repertoire!, ValueDelimiters.For(vr));
    }

    /// <summary>
    /// The bytes of a value (without padding), with the escape sequences that code extensions need. VRs that Specific
    /// Character Set does not apply to take ASCII only.
    /// </summary>
    /// <exception cref="DicomException">A character is in none of the declared character sets.</exception>
    public byte[] Encode(string value, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(vr);
        if (!vr.IsCharacterSetDependent)
        {
            return EncodeAscii(value, vr);
        }

        if (standalone is not null)
        {
            try
            {
                return standalone.GetBytes(value);
            }
            catch (EncoderFallbackException ex)
            {
                throw new DicomException(
                    string.Create(CultureInfo.InvariantCulture, $"Cannot encode U+{(int)ex.CharUnknown:X4} at index {ex.Index} with Specific Character Set '{this}'."),
                    ex);
            }
        }

        return Iso2022Encoder.Encode(value, repertoire!, ValueDelimiters.For(vr), ToString());
    }

    public override string ToString() => Terms.Count == 0 ? "ISO_IR 6 (default repertoire)" : string.Join('\\', Terms);

    private static DicomCharacterSet Create(string[] terms)
    {
        var ignored = new List<string>();
        var defined = new DefinedTerm?[terms.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            if (terms[i].Length == 0)
            {
                continue;
            }

            if (DefinedTerm.TryFind(terms[i], out var term))
            {
                defined[i] = term;
            }
            else
            {
                ignored.Add(terms[i]);
            }
        }

        var first = defined[0] ?? (terms.Length > 1 ? DefinedTerm.DefaultWithExtensions : DefinedTerm.Default);
        if (first.Standalone is not null)
        {
            ignored.AddRange(terms.Skip(1).Where(t => t.Length > 0));
            return new DicomCharacterSet(terms, ignored, null, first.Standalone);
        }

        var available = new List<GraphicSet>();
        for (var i = 0; i < terms.Length; i++)
        {
            var term = i == 0 ? first : defined[i];
            if (term?.Standalone is not null)
            {
                ignored.Add(terms[i]);
                continue;
            }

            foreach (var set in new[] { term?.G0, term?.G1 })
            {
                if (set is not null and not SevenBitSet && !available.Contains(set))
                {
                    available.Add(set);
                }
            }
        }

        var initialG0 = first.G0 as SevenBitSet ?? GraphicSets.Ascii;
        var usesCodeExtensions = terms.Length > 1 || first.IsCodeExtension;
        return new DicomCharacterSet(terms, ignored, new Iso2022Repertoire(initialG0, first.G1, usesCodeExtensions, available), null);
    }

    private static byte[] EncodeAscii(string value, DicomVR vr)
    {
        var invalid = value.AsSpan().IndexOfAnyExceptInRange('\0', '\u007F');
        if (invalid >= 0)
        {
            throw new DicomException(string.Create(
                CultureInfo.InvariantCulture,
                $"Cannot encode U+{(int)value[invalid]:X4} at index {invalid} in a {vr} value: Specific Character Set does not apply to {vr}, which takes the default repertoire (ASCII) only."));
        }

        return Encoding.ASCII.GetBytes(value);
    }
}
