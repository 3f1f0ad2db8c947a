namespace Gateway.Core.Retrieve;

/// <summary>
/// How a lossy representation came about, for the flags of its reconstruction: the Lossy Image Compression Method
/// (0028,2114) value (CS: at most 16 of A-Z, 0-9, _ and space), the stored bytes (the denominator of the ratio), and
/// the Derivation Description (0008,2111) text.
/// </summary>
public sealed record LossyCompression(string Method, long StoredBytes, string Derivation);
