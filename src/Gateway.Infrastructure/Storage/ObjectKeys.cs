namespace Gateway.Infrastructure.Storage;

/// <summary>The keys every object store accepts: letters, digits, '-', '_' and '.', not starting with '.'.</summary>
internal static class ObjectKeys
{
    public static void Validate(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Any(character => !(char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.')) || key.StartsWith('.'))
        {
            throw new ArgumentException($"Object key '{key}' may hold only letters, digits, '-', '_' and '.'.", nameof(key));
        }
    }
}
