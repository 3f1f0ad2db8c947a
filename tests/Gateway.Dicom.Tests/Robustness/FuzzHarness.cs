using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>What became of one input: a category to count, a failure when a rule was broken, and the most bytes one read allocated.</summary>
internal sealed record CaseOutcome(string Category, string? Failure = null, long MostAllocated = 0);

/// <summary>
/// Runs one mutated input through the reader (from a MemoryStream, and for some inputs also from a
/// non-seekable trickling stream or with StopBeforePixelData), and when it parses, through every string accessor, Save and a second Read
/// that must give back what was saved.
/// </summary>
internal static partial class FuzzHarness
{
    public const string Parsed = "parsed, saved and read back";

    private static readonly DicomReadOptions StopBeforePixelData = new() { StopBeforePixelData = true };

    public static CaseOutcome Examine(FuzzCase fuzzCase, bool alsoNonSeekable, bool alsoStopBeforePixelData)
    {
        ArgumentNullException.ThrowIfNull(fuzzCase);
        var input = fuzzCase.Input;
        var attempt = ReadAttempt.Run(new MemoryStream(input, writable: false));
        if (attempt.Problem(input.Length) is string problem)
        {
            return Failed("Read from a MemoryStream " + problem);
        }

        if (alsoNonSeekable && CompareNonSeekable(fuzzCase, attempt) is string difference)
        {
            return Failed(difference);
        }

        if (alsoStopBeforePixelData && CompareStopBeforePixelData(fuzzCase, attempt) is string stopped)
        {
            return Failed(stopped);
        }

        var outcome = attempt.File is null
            ? new CaseOutcome("rejected: " + Category(attempt.Error!.Message))
            : ExerciseParsed(attempt.File);
        return outcome with { MostAllocated = attempt.Allocated };
    }

    /// <summary>A message with offsets, tags, VRs and quoted values blanked, so messages of one kind count together.</summary>
    public static string Category(string message)
    {
        var text = UnknownSyntaxPattern().Replace(message, "$1<uid>");
        text = TagPattern().Replace(text, "(gggg,eeee)");
        text = VRPattern().Replace(text, "VR xx");
        text = QuotedPattern().Replace(text, "'...'");
        text = NumberPattern().Replace(text, "#");
        return text.Length > 110 ? text[..110] + "..." : text;
    }

    private static string? CompareNonSeekable(FuzzCase fuzzCase, ReadAttempt seekable)
    {
        var trickle = ReadAttempt.Run(new TrickleStream(fuzzCase.Input, fuzzCase.CaseSeed));
        if (trickle.Problem(fuzzCase.Input.Length) is string problem)
        {
            return "Read from a non-seekable stream " + problem;
        }

        if ((seekable.File is null) != (trickle.File is null))
        {
            return $"the seekable read {Verdict(seekable)} but the non-seekable read {Verdict(trickle)}";
        }

        if (seekable.File is not null && trickle.File is not null)
        {
            var differences = DatasetComparer.Differences(seekable.File.Dataset, trickle.File.Dataset);
            if (differences.Count > 0)
            {
                return "seekable and non-seekable reads differ: " + string.Join("; ", differences.Take(3));
            }
        }

        return null;
    }

    /// <summary>Reading only up to the pixel data reads a prefix of what a full read reads: where that parses, so must this.</summary>
    private static string? CompareStopBeforePixelData(FuzzCase fuzzCase, ReadAttempt full)
    {
        var stopped = ReadAttempt.Run(new MemoryStream(fuzzCase.Input, writable: false), StopBeforePixelData);
        if (stopped.Problem(fuzzCase.Input.Length) is string problem)
        {
            return "Read with StopBeforePixelData " + problem;
        }

        return full.File is not null && stopped.File is null
            ? $"a full read parsed it but a read stopping before the pixel data rejected it ({stopped.Error!.Message})"
            : null;
    }

    private static CaseOutcome ExerciseParsed(DicomFile file)
    {
        var clock = Stopwatch.StartNew();
#pragma warning disable CA1031 // Any exception type other than the ones allowed below is the finding being reported.
        try
        {
            TouchEveryValue(file.FileMetaInformation);
            TouchEveryValue(file.Dataset);
        }
        catch (Exception exception)
        {
            return Failed($"it parsed, but reading a value as text threw {exception.GetType().FullName}: {exception.Message}{Environment.NewLine}{exception.StackTrace}");
        }

        using var saved = new MemoryStream();
        try
        {
            file.Save(saved);
        }
        catch (DicomException exception)
        {
            return new CaseOutcome("parsed; Save refused: " + Category(exception.Message));
        }
        catch (Exception exception)
        {
            return Failed($"it parsed, but Save threw {exception.GetType().FullName}: {exception.Message}{Environment.NewLine}{exception.StackTrace}");
        }
#pragma warning restore CA1031

        saved.Position = 0;
        var reread = ReadAttempt.Run(saved);
        if (reread.Problem(saved.Length) is string problem)
        {
            return Failed("it parsed and saved, but reading the saved copy " + problem);
        }

        if (reread.File is null)
        {
            return Failed($"it parsed and saved, but the saved copy is rejected: {reread.Error!.Message}");
        }

        var differences = SavedCopyDifferences(file.Dataset, reread.File.Dataset);
        if (differences.Count > 0)
        {
            return Failed("it parsed and saved, but the saved copy reads back differently: " + string.Join("; ", differences.Take(3)));
        }

        clock.Stop();
        return clock.Elapsed > ReadAttempt.TimeLimit
            ? Failed($"it parsed, but text access, Save and the second read took {clock.Elapsed.TotalMilliseconds:F0} ms")
            : new CaseOutcome(Parsed);
    }

    /// <summary>
    /// What Save and Read lost or changed, less what Save may change: group 0002 elements are not written to the data
    /// set, and a VR may change (a value too long for a 16-bit length is written as UN; implicit VR takes VRs from the
    /// dictionary). Tags, items, fragments and value bytes must all come back.
    /// </summary>
    private static List<string> SavedCopyDifferences(DicomDataset parsed, DicomDataset reread) =>
        [.. DatasetComparer.Differences(new DicomDataset(parsed.Where(element => element.Tag.Group != 0x0002)), reread, allowVRChanges: true)];

    /// <summary>Every value element of the data set and its items, through GetString, GetStrings and GetValueCount.</summary>
    private static void TouchEveryValue(DicomDataset root)
    {
        var pending = new Stack<DicomDataset>();
        pending.Push(root);
        while (pending.TryPop(out var dataset))
        {
            foreach (var element in dataset)
            {
                switch (element)
                {
                    case DicomSequence sequence:
                        sequence.Items.ForEach(pending.Push);
                        break;
                    case DicomValueElement:
                        _ = dataset.GetString(element.Tag);
                        _ = dataset.GetStrings(element.Tag);
                        _ = dataset.GetValueCount(element.Tag);
                        break;
                }
            }
        }
    }

    private static string Verdict(ReadAttempt attempt) =>
        attempt.File is null ? $"rejected it ({attempt.Error!.Message})" : "parsed it";

    private static CaseOutcome Failed(string failure) => new("FAILED", failure);

    [GeneratedRegex(@"(unknown transfer syntax ).*", RegexOptions.Singleline)]
    private static partial Regex UnknownSyntaxPattern();


    [GeneratedRegex(@"\([0-9A-Fa-f]{4},[0-9A-Fa-f]{4}\)")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\bVR [A-Z]{2}\b")]
    private static partial Regex VRPattern();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex QuotedPattern();

    [GeneratedRegex(@"\b(0x)?[0-9A-Fa-f]*\d[0-9A-Fa-f]*\b")]
    private static partial Regex NumberPattern();
}
