using System.Globalization;
using System.Text;

namespace Gateway.Dicom.Json;

/// <summary>
/// Where an element sits in a data set: the tags of the sequences that enclose it with the item index in each,
/// then its own tag. <see cref="ToString"/> gives "7FE00010" at the top level and "00081140/0/00081155" inside
/// item 0 of (0008,1140), a form that fits in a URI path.
/// </summary>
public sealed class DicomElementPath
{
    private readonly DicomTag[] _tags;
    private readonly int[] _items;

    internal DicomElementPath(DicomTag[] tags, int[] items)
    {
        _tags = tags;
        _items = items;
    }

    /// <summary>The enclosing sequences' tags, outermost first, then the element's tag.</summary>
    public IReadOnlyList<DicomTag> Tags => _tags;

    /// <summary>The item index within each enclosing sequence (one fewer than <see cref="Tags"/>).</summary>
    public IReadOnlyList<int> ItemIndexes => _items;

    /// <summary>The element's own tag.</summary>
    public DicomTag Tag => _tags[^1];

    /// <summary>Whether the element is in the top-level data set rather than in a sequence item.</summary>
    public bool IsTopLevel => _tags.Length == 1;

    public override string ToString()
    {
        var text = new StringBuilder(_tags.Length * 11);
        for (var i = 0; i < _tags.Length; i++)
        {
            if (i > 0)
            {
                text.Append('/').Append(_items[i - 1].ToString(CultureInfo.InvariantCulture)).Append('/');
            }

            text.Append(_tags[i].ToHexString());
        }

        return text.ToString();
    }
}
