namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>Byte-for-byte comparison that reports the first difference instead of dumping megabytes.</summary>
internal static class AssertBytes
{
    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} bytes, expected {expected.Length}.");
        var mismatch = expected.CommonPrefixLength(actual);
        if (mismatch < expected.Length)
        {
            Assert.Fail($"{what}: first difference at byte {mismatch}: expected 0x{expected[mismatch]:X2}, got 0x{actual[mismatch]:X2}.");
        }
    }
}
