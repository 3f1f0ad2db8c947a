using System.Diagnostics;
using System.Globalization;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// The reader's robustness requirement: more than 10,000 mutated files, each of which must parse or end in a
/// DicomException with a message, within 2 s and 64 x its size (+8 MiB) of allocation, and nothing may crash
/// or hang. Deterministic: every input is rebuilt from a seed file and a case seed.
/// GATEWAY_FUZZ_SEED changes the base seed (to explore beyond what CI runs), GATEWAY_FUZZ_CASES the number
/// of random cases per seed file, and GATEWAY_FUZZ_REPLAY=&lt;seed file&gt;:&lt;case seed&gt; reruns one
/// reported input and writes it to the temp folder for dcmdump.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private const int DefaultBaseSeed = 17_000_000;
    private const int DefaultCasesPerSeed = 680;
    private const int CutsPerSeed = 150;

    /// <summary>Far beyond the expected ~30 s: only reached when one input hangs the reader.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public void Over_ten_thousand_mutated_files_each_parse_or_end_in_a_DicomException_in_bounded_time_and_memory()
    {
        var seeds = FuzzSeed.Load();
        var replay = Environment.GetEnvironmentVariable("GATEWAY_FUZZ_REPLAY");
        var plans = string.IsNullOrEmpty(replay) ? Plan(seeds) : [ReplayPlan(seeds, replay)];
        var tally = new OutcomeTally();
        var current = "(not started)";
        Exception? crash = null;
        var clock = Stopwatch.StartNew();
        var building = new Stopwatch();
        var worker = new Thread(() =>
        {
            var index = 0;
            foreach (var plan in plans)
            {
                Volatile.Write(ref current, $"{plan.Seed.Name}:{plan.CaseSeed} (being built)");
                try
                {
                    building.Start();
                    var fuzzCase = FuzzCase.Rebuild(plan.Seed, plan.CaseSeed);
                    building.Stop();
                    Volatile.Write(ref current, fuzzCase.Describe());
                    if (!string.IsNullOrEmpty(replay))
                    {
                        SaveForInspection(fuzzCase);
                    }

                    var started = Stopwatch.GetTimestamp();
                    var outcome = FuzzHarness.Examine(fuzzCase, alsoNonSeekable: index % 4 == 0, alsoStopBeforePixelData: index % 4 == 2);
                    index++;
                    tally.Add(fuzzCase, outcome, Stopwatch.GetElapsedTime(started));
                }
#pragma warning disable CA1031 // A fault in the harness itself must end the run with the case that caused it.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    crash = new InvalidOperationException($"The fuzz harness failed on {Volatile.Read(ref current)}", exception);
                    return;
                }
            }
        })
        { IsBackground = true, Name = "parser fuzz" };
        worker.Start();
        if (!worker.Join(RunLimit))
        {
            Assert.Fail($"No answer after {RunLimit.TotalSeconds:F0} s; the reader hangs on: {Volatile.Read(ref current)}");
        }

        if (crash is not null)
        {
            throw crash;
        }

        tally.WriteTo(output.WriteLine);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seeds.Count} seed files, {clock.Elapsed.TotalSeconds:F1} s in all, {building.Elapsed.TotalSeconds:F1} s of it building the inputs"));
        foreach (var failure in tally.Failures.Take(40))
        {
            output.WriteLine("FAILED " + failure);
        }

        if (tally.Failures.Count > 0)
        {
            Assert.Fail($"{tally.Failures.Count} of {tally.Total} inputs broke a rule (all listed in the test output). The first: {tally.Failures[0]}");
        }

        if (string.IsNullOrEmpty(replay))
        {
            Assert.True(tally.Total >= 10_000, $"Only {tally.Total} inputs were generated.");
        }
    }

    /// <summary>For each seed: cuts at its first element boundaries, then random mutation cases.</summary>
    private static IEnumerable<CasePlan> Plan(IReadOnlyList<FuzzSeed> seeds)
    {
        var baseSeed = IntegerFromEnvironment("GATEWAY_FUZZ_SEED", DefaultBaseSeed);
        var casesPerSeed = IntegerFromEnvironment("GATEWAY_FUZZ_CASES", DefaultCasesPerSeed);
        for (var s = 0; s < seeds.Count; s++)
        {
            var seed = seeds[s];
            foreach (var cut in BoundaryCuts(seed).Take(CutsPerSeed))
            {
                yield return new CasePlan(seed, -1 - cut);
            }

            for (var i = 0; i < casesPerSeed; i++)
            {
                yield return new CasePlan(seed, baseSeed + (s * 100_000) + i);
            }
        }
    }

    /// <summary>Offsets where a cut leaves a structurally interesting file: at, inside and just after headers.</summary>
    private static IEnumerable<int> BoundaryCuts(FuzzSeed seed)
    {
        var layout = FileLayout.Analyse(seed.Bytes);
        IEnumerable<LayoutEntry> entries = layout.Deflated ? layout.Meta : [.. layout.Meta, .. layout.Dataset];
        var cuts = new SortedSet<int> { 0, 1, 127, 128, 131, 132 };
        foreach (var entry in entries)
        {
            cuts.Add(entry.Offset);
            cuts.Add(entry.Offset + 2);
            cuts.Add(entry.Offset + 6);
            cuts.Add(entry.ValueOffset);
            cuts.Add(entry.ValueOffset + 1);
        }

        if (layout.Deflated)
        {
            for (var offset = layout.DatasetOffset; offset < seed.Bytes.Length; offset += Math.Max(1, (seed.Bytes.Length - layout.DatasetOffset) / 100))
            {
                cuts.Add(offset);
            }
        }

        return cuts.Where(cut => cut < seed.Bytes.Length);
    }

    private static CasePlan ReplayPlan(IReadOnlyList<FuzzSeed> seeds, string replay)
    {
        var split = replay.LastIndexOf(':');
        var name = replay[..split];
        var seed = seeds.FirstOrDefault(candidate => candidate.Name == name)
            ?? throw new InvalidOperationException($"GATEWAY_FUZZ_REPLAY names {name}, which is not a seed file ({string.Join(", ", FuzzSeed.Paths)}).");
        return new CasePlan(seed, int.Parse(replay[(split + 1)..], CultureInfo.InvariantCulture));
    }

    private void SaveForInspection(FuzzCase fuzzCase)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fuzz-{Path.GetFileName(fuzzCase.SeedName)}-{fuzzCase.CaseSeed}.dcm");
        File.WriteAllBytes(path, fuzzCase.Input);
        output.WriteLine($"Replayed input written to {path}: {fuzzCase.Describe()}");
    }

    private static int IntegerFromEnvironment(string name, int defaultValue) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : defaultValue;

    private sealed record CasePlan(FuzzSeed Seed, int CaseSeed);
}
