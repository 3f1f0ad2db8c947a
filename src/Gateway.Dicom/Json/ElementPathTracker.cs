namespace Gateway.Dicom.Json;

/// <summary>The sequences and items the writer or reader is inside; a <see cref="DicomElementPath"/> is made only when needed.</summary>
internal sealed class ElementPathTracker
{
    private readonly List<DicomTag> _sequences = [];
    private readonly List<int> _items = [];

    public int Depth => _sequences.Count;

    public void Enter(DicomTag sequence, int item)
    {
        _sequences.Add(sequence);
        _items.Add(item);
    }

    public void Leave()
    {
        _sequences.RemoveAt(_sequences.Count - 1);
        _items.RemoveAt(_items.Count - 1);
    }

    public DicomElementPath PathOf(DicomTag tag)
    {
        var tags = new DicomTag[_sequences.Count + 1];
        _sequences.CopyTo(tags);
        tags[^1] = tag;
        return new DicomElementPath(tags, [.. _items]);
    }

    /// <summary>"00081140[0]": the item being read, or "the top-level data set".</summary>
    public string DescribeLocation()
    {
        if (_sequences.Count == 0)
        {
            return "the top-level data set";
        }

        var text = new System.Text.StringBuilder();
        for (var i = 0; i < _sequences.Count; i++)
        {
            text.Append(i > 0 ? "." : string.Empty).Append(_sequences[i].ToHexString()).Append('[').Append(_items[i]).Append(']');
        }

        return text.ToString();
    }

    /// <summary>"00081140[0].00100010": how error messages name an attribute.</summary>
    public string Describe(DicomTag tag)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < _sequences.Count; i++)
        {
            text.Append(_sequences[i].ToHexString()).Append('[').Append(_items[i]).Append("].");
        }

        return text.Append(tag.ToHexString()).ToString();
    }
}
