using System.Collections;
using Gateway.Dicom.Text;

namespace Gateway.Dicom;

/// <summary>
/// A DICOM data set: elements kept in ascending tag order, at most one per tag. Used for the main data set,
/// the file meta information and every sequence item.
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomElement>
{
    private readonly List<DicomElement> _elements;
    private DicomCharacterSet? _ownCharacterSet;

    public DicomDataset()
    {
        _elements = [];
    }

    public DicomDataset(IEnumerable<DicomElement> elements)
        : this()
    {
        ArgumentNullException.ThrowIfNull(elements);
        foreach (var element in elements)
        {
            Add(element);
        }
    }

    public int Count => _elements.Count;

    /// <summary>
    /// The character set of the enclosing data set, for items whose own data set has no Specific Character Set
    /// (PS3.5 section 7.5.3: a sequence item inherits the character set of the data set that contains it).
    /// </summary>
    public DicomCharacterSet? InheritedCharacterSet { get; set; }

    /// <summary>The character set that applies to this data set's text values.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_ownCharacterSet is not null)
            {
                return _ownCharacterSet;
            }

            if (GetElement(DicomTags.SpecificCharacterSet) is DicomValueElement element)
            {
                _ownCharacterSet = DicomCharacterSet.FromSpecificCharacterSet(SplitAscii(element.Value.Span));
                return _ownCharacterSet;
            }

            return InheritedCharacterSet ?? DicomCharacterSet.Default;
        }
    }

    public DicomElement? this[DicomTag tag] => GetElement(tag);

    public DicomElement? GetElement(DicomTag tag)
    {
        var index = IndexOf(tag);
        return index >= 0 ? _elements[index] : null;
    }

    public bool TryGetElement(DicomTag tag, out DicomElement element)
    {
        element = GetElement(tag)!;
        return element is not null;
    }

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    /// <summary>Adds an element, replacing any element with the same tag.</summary>
    public void Add(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _ownCharacterSet = null;
        }

        if (element is DicomSequence sequence)
        {
            foreach (var item in sequence.Items)
            {
                item.InheritedCharacterSet ??= CharacterSetForItems;
            }
        }

        var count = _elements.Count;
        if (count == 0 || _elements[count - 1].Tag < element.Tag)
        {
            _elements.Add(element);
            return;
        }

        var index = IndexOf(element.Tag);
        if (index >= 0)
        {
            _elements[index] = element;
        }
        else
        {
            _elements.Insert(~index, element);
        }
    }

    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0)
        {
            return false;
        }

        if (tag == DicomTags.SpecificCharacterSet)
        {
            _ownCharacterSet = null;
        }

        _elements.RemoveAt(index);
        return true;
    }

    /// <summary>Removes every element for which <paramref name="predicate"/> holds.</summary>
    public int RemoveAll(Predicate<DicomElement> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _ownCharacterSet = null;
        return _elements.RemoveAll(predicate);
    }

    public void Clear()
    {
        _ownCharacterSet = null;
        _elements.Clear();
    }

    /// <summary>A deep copy: sequences and their items are copied; value bytes are shared (they are immutable).</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset { InheritedCharacterSet = InheritedCharacterSet };
        foreach (var element in _elements)
        {
            copy._elements.Add(element switch
            {
                DicomSequence sequence => new DicomSequence(sequence.Tag, sequence.Items.Select(item => item.Clone()))
                {
                    UndefinedLength = sequence.UndefinedLength,
                    ItemsUndefinedLength = sequence.ItemsUndefinedLength,
                },
                DicomFragmentSequence fragments => new DicomFragmentSequence(fragments.Tag, fragments.VR, fragments.BasicOffsetTable, fragments.Fragments),
                _ => element,
            });
        }

        return copy;
    }

    public IEnumerator<DicomElement> GetEnumerator() => _elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends an element known to sort after every element already present (the reader's fast path).</summary>
    internal void AppendOrdered(DicomElement element)
    {
        var count = _elements.Count;
        if (count == 0 || _elements[count - 1].Tag < element.Tag)
        {
            _elements.Add(element);
        }
        else
        {
            Add(element);
        }
    }

    private DicomCharacterSet? CharacterSetForItems =>
        Contains(DicomTags.SpecificCharacterSet) ? CharacterSet : InheritedCharacterSet;

    private int IndexOf(DicomTag tag)
    {
        var low = 0;
        var high = _elements.Count - 1;
        var value = tag.Value;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var midValue = _elements[mid].Tag.Value;
            if (midValue == value)
            {
                return mid;
            }

            if (midValue < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }

    private static string[] SplitAscii(ReadOnlySpan<byte> value)
    {
        var text = System.Text.Encoding.ASCII.GetString(value);
        return text.Split('\\').Select(term => term.Trim(' ', '\0')).ToArray();
    }
}
