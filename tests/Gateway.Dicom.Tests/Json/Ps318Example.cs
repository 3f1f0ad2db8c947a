using System.Text;
using static Gateway.Dicom.Tests.Json.JsonTestSupport;

namespace Gateway.Dicom.Tests.Json;

/// <summary>
/// The QIDO-RS response example of PS3.18 F.2.1.1.2 (second data set): JSON as the standard prints it, and the
/// data set it describes, encoded by hand in ISO_IR 192 (UTF-8) with PS3.5 padding.
/// </summary>
internal static class Ps318Example
{
    public const string Json = """
        {
          "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
          "00080020": { "vr": "DA", "Value": [ "20130409" ] },
          "00080030": { "vr": "TM", "Value": [ "131600.0000" ] },
          "00080050": { "vr": "SH", "Value": [ "11235813" ] },
          "00080056": { "vr": "CS", "Value": [ "ONLINE" ] },
          "00080061": { "vr": "CS", "Value": [ "CT", "PET" ] },
          "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
          "00081190": { "vr": "UR", "Value": [ "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
          "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
          "00091002": { "vr": "UN", "InlineBinary": "z0x9c8v7" },
          "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
          "00100020": { "vr": "LO", "Value": [ "12345" ] },
          "00100021": { "vr": "LO", "Value": [ "Hospital A" ] },
          "00100030": { "vr": "DA", "Value": [ "19670701" ] },
          "00100040": { "vr": "CS", "Value": [ "M" ] },
          "00101002": {
            "vr": "SQ",
            "Value": [
              {
                "00100020": { "vr": "LO", "Value": [ "54321" ] },
                "00100021": { "vr": "LO", "Value": [ "Hospital B" ] }
              },
              {
                "00100020": { "vr": "LO", "Value": [ "24680" ] },
                "00100021": { "vr": "LO", "Value": [ "Hospital C" ] }
              }
            ]
          },
          "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
          "00201206": { "vr": "IS", "Value": [ 4 ] },
          "00201208": { "vr": "IS", "Value": [ 942 ] }
        }
        """;

    /// <summary>The six bytes "z0x9c8v7" encodes in base64.</summary>
    public static readonly byte[] PrivateBytes = [0xCF, 0x4C, 0x7D, 0x73, 0xCB, 0xFB];

    public static DicomDataset Dataset()
    {
        var utf8 = Encoding.UTF8;
        var dataset = new DicomDataset
        {
            TextElement(0x00080005, DicomVR.CS, "ISO_IR 192"),
            TextElement(0x00080020, DicomVR.DA, "20130409"),
            TextElement(0x00080030, DicomVR.TM, "131600.0000"),
            TextElement(0x00080050, DicomVR.SH, "11235813"),
            TextElement(0x00080056, DicomVR.CS, "ONLINE"),
            TextElement(0x00080061, DicomVR.CS, "CT\\PET"),
            TextElement(0x00080090, DicomVR.PN, "^Bob^^Dr."),
            TextElement(0x00081190, DicomVR.UR, "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"),
            TextElement(0x00090010, DicomVR.LO, "Vendor A"),
            Bytes(0x00091002, DicomVR.UN, PrivateBytes),
            TextElement(0x00100010, DicomVR.PN, "Wang^XiaoDong=王^小東", utf8),
            TextElement(0x00100020, DicomVR.LO, "12345"),
            TextElement(0x00100021, DicomVR.LO, "Hospital A"),
            TextElement(0x00100030, DicomVR.DA, "19670701"),
            TextElement(0x00100040, DicomVR.CS, "M"),
            new DicomSequence(new DicomTag(0x0010, 0x1002),
            [
                new DicomDataset { TextElement(0x00100020, DicomVR.LO, "54321"), TextElement(0x00100021, DicomVR.LO, "Hospital B") },
                new DicomDataset { TextElement(0x00100020, DicomVR.LO, "24680"), TextElement(0x00100021, DicomVR.LO, "Hospital C") },
            ]),
            TextElement(0x0020000D, DicomVR.UI, "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"),
            TextElement(0x00201206, DicomVR.IS, "4"),
            TextElement(0x00201208, DicomVR.IS, "942"),
        };
        return dataset;
    }
}
