using Gateway.Dicom.IO;

namespace Gateway.Dicom.Network;

/// <summary>Data sets as DIMSE messages carry them.</summary>
internal static class DimseDataSet
{
    /// <summary>
    /// Encodes <paramref name="dataSet"/> in <paramref name="syntax"/>. A deflated stream of odd length gets one
    /// trailing zero byte (PS3.5 A.5): a message's fragments must have even lengths, and DCMTK aborts the
    /// association on an odd one ("Odd Fragment Length").
    /// </summary>
    public static byte[] Encode(DicomDataset dataSet, DicomTransferSyntax syntax)
    {
        var bytes = DicomDatasetSerializer.Serialize(dataSet, syntax);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
    }
}
