using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Gateway.Server.Tests.DicomWeb.Qido.QidoClient;

namespace Gateway.Server.Tests.DicomWeb.Limits;

/// <summary>
/// Issue 13 point 5: QIDO-RS searches with non-ASCII person names find what C-FIND (DCMTK findscu) finds and what
/// pydicom says the stored names match (tests/oracle/person_names_oracle.py), for names stored in ISO_IR 100,
/// ISO_IR 192, ISO 2022 IR 87 (and IR 13), ISO_IR 126 and ISO_IR 144; control characters and values that are only
/// value delimiters are refused with 400 and a reason.
/// </summary>
public sealed partial class QidoCharacterSetTests(PostgresCluster cluster)
{
    private const string CharsetFolder = "dicom-conformance/fo-dicom/charset";

    private static readonly string[] RealFiles = ["chrGerm.dcm", "chrFren.dcm", "chrGreek.dcm", "chrH31.dcm", "chrH32.dcm", "chrJapMulti.dcm", "chrX1.dcm", "chrRuss.dcm"];

    private static readonly string[] Patterns =
    [
        "Müller*", "müller^hans", "M?ller*", "山田*", "*山田*", "やまだ*", "Διονυσιος", "παπαδόπουλος^νίκος", "*^Jérôme", "Люк*", "*=王^小東*",
    ];

    [Fact]
    public async Task Point05_QIDO_finds_non_ASCII_names_as_C_FIND_and_pydicom_do()
    {
        var charsets = TestData.RequireSharedData(CharsetFolder);
        var generated = Directory.CreateTempSubdirectory("qido-names-").FullName;
        try
        {
            var made = ExternalTool.RunChecked(ExternalTool.DebianPython, [Oracle, "make", Path.Combine(charsets, "chrGerm.dcm"), generated], "python3-pydicom");
            var files = made.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(RealFiles.Select(name => Path.Combine(charsets, name))).ToArray();
            var expected = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(
                ExternalTool.RunChecked(ExternalTool.DebianPython, [Oracle, "expect", JsonSerializer.Serialize(Patterns), .. files], "python3-pydicom"))!;

            await using var gateway = await GatewayInstance.StartAsync(cluster);
            ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");
            foreach (var pattern in Patterns)
            {
                var want = expected[pattern].ToHashSet();
                Assert.True(want.Count > 0, $"pydicom finds no stored name matching {pattern}: the test data do not exercise it.");
                var qido = await SearchValuesAsync(gateway.Http, "dicomweb/studies?PatientName=" + Uri.EscapeDataString(pattern), StudyUid);
                Assert.True(want.SetEquals(qido), $"QIDO PatientName={pattern}: expected {want.Count} studies, got {qido.Count}");
                var find = FindStudies(gateway, generated, pattern);
                Assert.True(want.SetEquals(find), $"C-FIND PatientName={pattern}: expected {want.Count} studies, got {find.Count}");
            }
        }
        finally
        {
            Directory.Delete(generated, recursive: true);
        }
    }

    [Fact]
    public async Task Point05_control_characters_lone_backslashes_and_non_ASCII_codes_give_400_with_a_reason()
    {
        (string Query, string Reason)[] cases =
        [
            ("PatientName=a%00b", "control character U+0000"),
            ("PatientID=%00", "control character U+0000"),
            ("PatientName=M%C3%BCller%1B", "control character U+001B"),
            ("StudyDescription=a%0Ab", "control character U+000A"),
            ("PatientName=%5C", "delimiters"),
            ("PatientID=%5C%5C", "delimiters"),
            ("StudyInstanceUID=,", "delimiters"),
            ("Modality=%C3%9C", "outside ASCII"),
        ];
        var file = Path.Combine(TestData.RequireSharedData(CharsetFolder), "chrGerm.dcm");
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), file], "dcmtk");
        foreach (var (query, reason) in cases)
        {
            foreach (var level in new[] { "studies", "instances" })
            {
                using var response = await gateway.Http.GetAsync(new Uri($"dicomweb/{level}?{query}", UriKind.Relative), TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{level}?{query} answered {(int)response.StatusCode}: {body}");
                Assert.Contains(reason, body, StringComparison.Ordinal);
            }
        }
    }

    private static string Oracle => Path.Combine(TestData.RepositoryRoot, "tests/oracle/person_names_oracle.py");

    /// <summary>
    /// The Study Instance UIDs a study-root C-FIND by DCMTK findscu for the name returns. The responses are written
    /// as DICOM files (-X) and read with dcmdump: findscu's XML output would have to convert every response to
    /// UTF-8, which glibc's iconv cannot do for ISO 2022 IR 87.
    /// </summary>
    private static HashSet<string> FindStudies(GatewayInstance gateway, string folder, string pattern)
    {
        var responses = Directory.CreateDirectory(Path.Combine(folder, "find-" + Guid.NewGuid().ToString("N"))).FullName;
        ExternalTool.RunChecked("findscu",
        [
            "-S", "-aec", GatewayInstance.AETitle, "-X", "-od", responses,
            "-k", "QueryRetrieveLevel=STUDY", "-k", "SpecificCharacterSet=ISO_IR 192", "-k", "StudyInstanceUID", "-k", "PatientName=" + pattern,
            "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture),
        ], "dcmtk");
        var files = Directory.GetFiles(responses);
        if (files.Length == 0)
        {
            return [];
        }

        var dump = ExternalTool.RunChecked("dcmdump", ["-q", "+P", "0020,000d", .. files], "dcmtk");
        return UidValue().Matches(dump).Select(match => match.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\(0020,000d\) UI \[([0-9.]+)\]")]
    private static partial Regex UidValue();
}
