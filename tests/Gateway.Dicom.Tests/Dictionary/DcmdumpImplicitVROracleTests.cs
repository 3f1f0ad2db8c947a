using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>
/// Reads real Implicit VR Little Endian files with DCMTK's dcmdump and checks that, element by element
/// (private ones included, with their creators tracked per item as PS3.5 section 7.8.1 scopes them),
/// <see cref="DicomDictionary.ImplicitVR"/> gives the VR that DCMTK assigned. The second argument is the
/// number of private data elements of known creators in the file (counted in dcmdump's output), so the test
/// shows that the private dictionary was really exercised.
/// </summary>
public partial class DcmdumpImplicitVROracleTests
{
    // DCMTK prints some elements with its pseudo-VRs (dcvr.h) when it has not settled the choice.
    private static readonly Dictionary<string, string[]> PseudoVRs = new()
    {
        ["xs"] = ["US", "SS"],
        ["ox"] = ["OB", "OW"],
        ["px"] = ["OB", "OW"],
        ["lt"] = ["US", "SS", "OW"],
        ["up"] = ["UL"],
    };

    [Theory]
    [InlineData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes/2.dcm", 7)]
    [InlineData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm", 170)]
    [InlineData("dicom-conformance/dwv-gdcm/dicompyler-ct.0.dcm", 0)]
    [InlineData("dicom-conformance/dwv-gdcm/gdcm-CT-MONO2-8-abdo.dcm", 0)]
    [InlineData("dicom-conformance/fo-dicom/CT-MONO2-16-ankle.dcm", 0)]
    [InlineData("dicom-conformance/fo-dicom/GH355.dcm", 0)]
    [InlineData("dicom-conformance/fo-dicom/GH340.dcm", 0)]
    [InlineData("xray/dicom/fo-dicom__CR-MONO1-10-chest.dcm", 0)]
    public async Task Implicit_VR_of_every_element_agrees_with_DCMTK(string relativePath, int privateElementsResolved)
    {
        var path = TestData.RequireSharedData(relativePath);
        var dump = ExternalTool.RunChecked("dcmdump", ["-q", "+L", path], "dcmtk");

        var creators = new Dictionary<(int Depth, ushort Group, int Block), string>();
        var failures = new List<string>();
        var compared = 0;
        var resolvedPrivate = 0;
        foreach (var line in dump.Split('\n'))
        {
            var match = ElementLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var depth = match.Groups["indent"].Length / 2;
            var tag = new DicomTag(
                ushort.Parse(match.Groups["group"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ushort.Parse(match.Groups["element"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var dcmtkVR = match.Groups["vr"].Value == "??" ? "UN" : match.Groups["vr"].Value;

            if (tag == DicomTag.Item)
            {
                // A new item starts a new data set: creators of the previous item no longer apply.
                foreach (var key in creators.Keys.Where(k => k.Depth > depth).ToList())
                {
                    creators.Remove(key);
                }

                continue;
            }

            if (tag.Group == 0xFFFE || tag.Group == 0x0002)
            {
                continue; // delimiters have no VR; the meta group is always explicit VR
            }

            if (tag.IsPrivateCreator)
            {
                creators[(depth, tag.Group, tag.Element)] = CreatorValue().Match(match.Groups["rest"].Value).Groups["value"].Value;
            }

            var creator = tag.IsPrivate && creators.TryGetValue((depth, tag.Group, tag.Element >> 8), out var c) ? c : null;
            var ours = DicomDictionary.ImplicitVR(tag, creator);
            compared++;
            if (DicomDictionary.Lookup(tag, creator)?.PrivateCreator is not null)
            {
                resolvedPrivate++;
            }

            if (ours.Code == dcmtkVR || (PseudoVRs.TryGetValue(dcmtkVR, out var allowed) && allowed.Contains(ours.Code)))
            {
                continue;
            }

            // Where PS3.6 allows several VRs DCMTK may settle the choice from other elements (e.g. SS
            // when Pixel Representation is 1); the default we return need only be one of the choices.
            var choices = DicomDictionary.Lookup(tag, creator)?.VRs ?? [];
            if (choices.Count < 2 || !choices.Any(vr => vr.Code == dcmtkVR))
            {
                failures.Add($"{tag} creator '{creator}': DCMTK {dcmtkVR}, ours {ours}");
            }
        }

        Assert.True(compared > 20, $"only {compared} elements in the dump of {relativePath}");
        Assert.Empty(failures);
        Assert.Equal(privateElementsResolved, resolvedPrivate);
    }

    [GeneratedRegex(@"^(?<indent> *)\((?<group>[0-9a-f]{4}),(?<element>[0-9a-f]{4})\) (?<vr>\S\S) (?<rest>.*)$")]
    private static partial Regex ElementLine();

    [GeneratedRegex(@"^\[(?<value>[^\]]*)\]")]
    private static partial Regex CreatorValue();
}
