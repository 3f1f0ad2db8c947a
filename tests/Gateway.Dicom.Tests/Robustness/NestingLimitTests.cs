namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// Sequences nested far deeper than <see cref="DicomReadOptions.MaxSequenceDepth"/>, in every encoding the reader
/// handles. A stack overflow cannot be caught and would kill the test process, so these prove the limit holds
/// before recursion gets deep: the limit itself is read, one level more is refused, and 20,000 levels (far past what the stack could recurse through) end in a
/// DicomParseException within the hang limit.
/// </summary>
public class NestingLimitTests
{
    private const int Limit = 64;

    public static TheoryData<NestingForm, string> Encodings => new()
    {
        { NestingForm.UndefinedLengths, DicomTransferSyntax.ExplicitVRLittleEndian.Uid },
        { NestingForm.UndefinedLengths, DicomTransferSyntax.ImplicitVRLittleEndian.Uid },
        { NestingForm.UndefinedLengths, DicomTransferSyntax.ExplicitVRBigEndian.Uid },
        { NestingForm.UndefinedLengths, DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid },
        { NestingForm.DefinedLengths, DicomTransferSyntax.ExplicitVRLittleEndian.Uid },
        { NestingForm.DefinedLengths, DicomTransferSyntax.ImplicitVRLittleEndian.Uid },
        { NestingForm.DefinedLengths, DicomTransferSyntax.ExplicitVRBigEndian.Uid },
        { NestingForm.DefinedLengths, DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid },
        { NestingForm.UnknownVRUndefinedLength, DicomTransferSyntax.ExplicitVRLittleEndian.Uid },
        { NestingForm.UnknownVRDefinedLength, DicomTransferSyntax.ExplicitVRLittleEndian.Uid },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Nesting_exactly_at_the_limit_is_read_to_the_innermost_item(NestingForm form, string syntaxUid)
    {
        var file = DicomFile.Read(new MemoryStream(Build(Limit, form, syntaxUid)));

        var (depth, innermost) = FollowFirstItems(file.Dataset);
        Assert.Equal(Limit, depth);
        Assert.Equal("MR", innermost.GetString(new DicomTag(0x0008, 0x0060)));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void One_level_past_the_limit_is_refused(NestingForm form, string syntaxUid)
    {
        var input = Build(Limit + 1, form, syntaxUid);

        if (form == NestingForm.UnknownVRDefinedLength)
        {
            // A UN value that does not parse as a sequence is kept as UN bytes, with a warning (PS3.5 6.2.2 leniency).
            var file = DicomFile.Read(new MemoryStream(input));
            var element = Assert.IsType<DicomValueElement>(file.Dataset.GetElement(Tag));
            Assert.Equal(DicomVR.UN, element.VR);
            Assert.Contains(file.Warnings, warning => warning.Contains("nested deeper", StringComparison.Ordinal));
            return;
        }

        var exception = Assert.Throws<DicomParseException>(() => DicomFile.Read(new MemoryStream(input)));
        Assert.Contains("nested deeper than 64 levels", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Twenty_thousand_levels_end_in_bounded_time_without_overflowing_the_stack(NestingForm form, string syntaxUid)
    {
        var input = Build(20_000, form, syntaxUid);

        foreach (var stream in new Stream[] { new MemoryStream(input), new TrickleStream(input, 7) })
        {
            var attempt = ReadAttempt.Run(stream);

            Assert.Null(attempt.Problem(input.Length));
            if (form != NestingForm.UnknownVRDefinedLength)
            {
                Assert.IsType<DicomParseException>(attempt.Error);
            }
        }
    }

    [Fact]
    public void A_lower_MaxSequenceDepth_is_enforced()
    {
        var options = new DicomReadOptions { MaxSequenceDepth = 8 };
        var syntax = DicomTransferSyntax.ExplicitVRLittleEndian.Uid;

        var atLimit = DicomFile.Read(new MemoryStream(Build(8, NestingForm.UndefinedLengths, syntax)), options);
        Assert.Equal(8, FollowFirstItems(atLimit.Dataset).Depth);
        var exception = Assert.Throws<DicomParseException>(() => DicomFile.Read(new MemoryStream(Build(9, NestingForm.UndefinedLengths, syntax)), options));
        Assert.Contains("nested deeper than 8 levels", exception.Message, StringComparison.Ordinal);
    }

    private static readonly DicomTag Tag = new(NestedSequences.SequenceGroup, NestedSequences.SequenceElement);

    private static byte[] Build(int depth, NestingForm form, string syntaxUid)
    {
        var syntax = DicomTransferSyntax.FromUid(syntaxUid);
        var dataset = NestedSequences.Build(depth, form, syntax.IsExplicitVR, syntax.IsBigEndian);
        return DicomBytes.Part10(syntaxUid, dataset, syntax.IsDeflated);
    }

    /// <summary>How many sequences (0008,1140) nest by following each one's first item, and the innermost item.</summary>
    private static (int Depth, DicomDataset Innermost) FollowFirstItems(DicomDataset dataset)
    {
        var depth = 0;
        while (dataset.GetSequence(Tag) is { Items.Count: > 0 } sequence)
        {
            depth++;
            dataset = sequence.Items[0];
        }

        return (depth, dataset);
    }
}
