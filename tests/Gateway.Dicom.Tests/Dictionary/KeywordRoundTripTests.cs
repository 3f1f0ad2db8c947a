using System.Reflection;

namespace Gateway.Dicom.Tests.Dictionary;

public class KeywordRoundTripTests
{
    [Fact]
    public void Every_DicomTags_member_round_trips_through_keyword_and_tag_lookup()
    {
        var properties = typeof(DicomTags).GetProperties(BindingFlags.Public | BindingFlags.Static);
        Assert.True(properties.Length > 4000, $"only {properties.Length} tags generated");

        var failures = new List<string>();
        foreach (var property in properties)
        {
            var tag = (DicomTag)property.GetValue(null)!;
            if (!DicomDictionary.TryGetTag(property.Name, out var found) || found != tag)
            {
                failures.Add($"TryGetTag({property.Name}) gave {found}, expected {tag}");
            }

            var entry = DicomDictionary.Lookup(tag);
            if (entry?.Keyword != property.Name || entry.Tag != tag)
            {
                failures.Add($"Lookup({tag}) gave {entry}, expected {property.Name}");
            }
        }

        Assert.Empty(failures);
    }
}
