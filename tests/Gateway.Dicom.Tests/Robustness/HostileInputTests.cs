using System.IO.Compression;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// Hand-made hostile files, one per problem the fuzzer found or the requirement names, each checked from a
/// MemoryStream (known length) and from a non-seekable trickling stream (unknown length).
/// </summary>
public class HostileInputTests
{
    private static readonly string ExplicitLittleEndian = DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
    private static readonly string Deflated = DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid;

    public static TheoryData<bool> StreamKinds => new() { true, false };

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_forged_4_GiB_length_is_rejected_without_allocating_it(bool seekable)
    {
        var dataset = new DicomBytes(true, false).Text(0x0008, 0x0060, "CS", "CT")
            .ElementHeader(0x0009, 0x1010, "OB", 0xFFFFFFF0).Raw(new byte[1000]).ToArray();
        var input = DicomBytes.Part10(ExplicitLittleEndian, dataset);

        var attempt = ReadAttempt.Run(Open(input, seekable));

        var exception = Assert.IsType<DicomParseException>(attempt.Error);
        Assert.Contains("4294967280", exception.Message, StringComparison.Ordinal);
        Assert.True(attempt.Allocated < 4 << 20, $"Allocated {attempt.Allocated:N0} bytes for a {input.Length}-byte file.");
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_corrupt_deflate_stream_ends_in_a_DicomParseException_that_says_so(bool seekable)
    {
        var file = DicomBytes.Part10(Deflated, new DicomBytes(true, false).Text(0x0010, 0x0010, "PN", "DOE^JANE").ToArray(), deflate: true);
        var meta = FileLayout.Analyse(file).DatasetOffset;
        file[meta] = 0x07; // a final block of the reserved type 3 (RFC 1951 3.2.3): no inflater accepts it

        var attempt = ReadAttempt.Run(Open(file, seekable));

        var exception = Assert.IsType<DicomParseException>(attempt.Error);
        Assert.Contains("deflated data set is corrupt", exception.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(exception.InnerException);
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_deflate_bomb_stops_at_MaxInflatedLength(bool seekable)
    {
        const long limit = 4 << 20;
        var header = new DicomBytes(true, false).ElementHeader(0x0009, 0x1010, "OB", 32 << 20).ToArray();
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(header);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 32; i++)
            {
                deflate.Write(zeros);
            }
        }

        byte[] input = [.. DicomBytes.Part10(Deflated, []), .. compressed.ToArray()];

        var attempt = ReadAttempt.Run(Open(input, seekable), new DicomReadOptions { MaxInflatedLength = limit });

        var exception = Assert.IsType<DicomParseException>(attempt.Error);
        Assert.Contains(nameof(DicomReadOptions.MaxInflatedLength), exception.Message, StringComparison.Ordinal);
        Assert.True(attempt.Allocated < (3 * limit) + ReadAttempt.AllocationSlack, $"Allocated {attempt.Allocated:N0} bytes for a {input.Length}-byte file inflating past {limit:N0}.");
        Assert.True(attempt.Elapsed < ReadAttempt.TimeLimit, $"Took {attempt.Elapsed.TotalMilliseconds:F0} ms.");
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_hundred_thousand_elements_in_descending_tag_order_are_refused_quickly(bool seekable)
    {
        var dataset = new DicomBytes(true, false);
        for (var i = 100_000; i > 0; i--)
        {
            dataset.ElementHeader((ushort)(0x0010 + (2 * (i >> 16))), (ushort)i, "CS", 0);
        }

        var input = DicomBytes.Part10(ExplicitLittleEndian, dataset.ToArray());

        var attempt = ReadAttempt.Run(Open(input, seekable));

        var exception = Assert.IsType<DicomParseException>(attempt.Error);
        Assert.Contains("out of ascending tag order", exception.Message, StringComparison.Ordinal);
        Assert.Null(attempt.Problem(input.Length));
    }

    [Fact]
    public void A_meta_group_of_descending_tags_is_refused_quickly()
    {
        var file = new DicomBytes(true, false).Raw(new byte[128]).Raw("DICM"u8);
        for (var element = 0xFFFF; element > 0x0100; element--)
        {
            file.ElementHeader(0x0002, (ushort)element, "CS", 0);
        }

        var input = file.ToArray();

        var attempt = ReadAttempt.Run(new MemoryStream(input));

        Assert.Contains("out of ascending tag order", Assert.IsType<DicomParseException>(attempt.Error).Message, StringComparison.Ordinal);
        Assert.Null(attempt.Problem(input.Length));
    }

    [Fact]
    public void A_few_elements_out_of_order_are_still_read_and_sorted()
    {
        var dataset = new DicomBytes(true, false);
        for (var element = 100; element > 0; element--)
        {
            dataset.Text(0x0009, (ushort)(0x1000 + element), "LO", $"value {element}");
        }

        var file = DicomFile.Read(new MemoryStream(DicomBytes.Part10(ExplicitLittleEndian, dataset.ToArray())));

        Assert.Equal(Enumerable.Range(0x1001, 100).Select(element => new DicomTag(0x0009, (ushort)element)), file.Dataset.Select(e => e.Tag));
        Assert.Equal("value 42", file.Dataset.GetString(new DicomTag(0x0009, 0x1000 + 42)));
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_sequence_whose_length_and_delimiter_disagree_is_refused_from_any_stream(bool seekable)
    {
        // The length claims 0xFFFFFFF0 bytes, the delimiter closes the sequence after one item. Only a reader that
        // knows the stream's length sees the lie up front; both must reach the same verdict.
        var dataset = new DicomBytes(true, false).ElementHeader(0x0008, 0x1140, "SQ", 0xFFFFFFF0)
            .DelimiterHeader(0xE000, 10).Text(0x0008, 0x0060, "CS", "MR").DelimiterHeader(0xE0DD, 0)
            .Text(0x0010, 0x0010, "PN", "DOE^JOHN").ToArray();

        var attempt = ReadAttempt.Run(Open(DicomBytes.Part10(ExplicitLittleEndian, dataset), seekable));

        Assert.IsType<DicomParseException>(attempt.Error);
    }

    [Theory]
    [MemberData(nameof(StreamKinds))]
    public void A_sequence_whose_delimiter_ends_exactly_at_its_length_is_read_with_a_warning(bool seekable)
    {
        var dataset = new DicomBytes(true, false).ElementHeader(0x0008, 0x1140, "SQ", 26)
            .DelimiterHeader(0xE000, 10).Text(0x0008, 0x0060, "CS", "MR").DelimiterHeader(0xE0DD, 0)
            .Text(0x0010, 0x0010, "PN", "DOE^JOHN").ToArray();

        var file = DicomFile.Read(Open(DicomBytes.Part10(ExplicitLittleEndian, dataset), seekable));

        var sequence = file.Dataset.GetSequence(new DicomTag(0x0008, 0x1140));
        Assert.NotNull(sequence);
        Assert.Equal("MR", Assert.Single(sequence.Items).GetString(new DicomTag(0x0008, 0x0060)));
        Assert.Equal("DOE^JOHN", file.Dataset.GetString(new DicomTag(0x0010, 0x0010)));
        Assert.Contains(file.Warnings, warning => warning.Contains("sequence delimitation item", StringComparison.Ordinal));
    }

    [Fact]
    public void A_meta_element_stranded_in_the_data_set_does_not_override_the_syntax_of_a_saved_copy()
    {
        // A data set element inside the meta group ends it early: the Transfer Syntax UID after it (claiming big
        // endian) lands in the data set, and the data set is detected as explicit little endian.
        var file = new DicomBytes(true, false).Raw(new byte[128]).Raw("DICM"u8)
            .ElementHeader(0x0002, 0x0001, "OB", 2).Raw([0, 1])
            .Text(0x0008, 0x0005, "CS", "ISO_IR 100")
            .Text(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.2\0")
            .Text(0x0010, 0x0010, "PN", "DOE^JANE").ToArray();
        var parsed = DicomFile.Read(new MemoryStream(file));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, parsed.TransferSyntax);

        using var saved = new MemoryStream();
        parsed.Save(saved);
        saved.Position = 0;
        var reread = DicomFile.Read(saved);

        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, reread.TransferSyntax);
        Assert.Equal("DOE^JANE", reread.Dataset.GetString(new DicomTag(0x0010, 0x0010)));
        Assert.Equal("ISO_IR 100", reread.Dataset.GetString(new DicomTag(0x0008, 0x0005)));
    }

    private static Stream Open(byte[] input, bool seekable) =>
        seekable ? new MemoryStream(input, writable: false) : new TrickleStream(input, input.Length);
}
