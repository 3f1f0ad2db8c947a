namespace Gateway.Dicom.Tests.Robustness;

/// <summary>A file the fuzzer mutates, named by its path under shared/data/dicom-conformance.</summary>
internal sealed record FuzzSeed(string Name, byte[] Bytes)
{
    /// <summary>
    /// Small real files covering every encoding the reader handles: explicit and implicit VR little endian,
    /// explicit big endian, deflated, no meta group, encapsulated JPEG and RLE (with and without offset table,
    /// several fragments), sequences of defined and undefined length, private tags, UN elements, ISO 2022 text.
    /// </summary>
    public static readonly string[] Paths =
    [
        "fo-dicom/charset/chrSQEncoding.dcm",                         // explicit LE, defined-length SQ, 520 bytes
        "fo-dicom/charset/chrJapMulti.dcm",                           // explicit LE, ISO 2022 Japanese, private tags
        "fo-dicom/DICOMDIR",                                          // explicit LE, 80 defined-length items
        "fo-dicom/Issue1097_FailToOpenDeflatedFileWithSQ.dcm",        // deflated, undefined-length SQ
        "fo-dicom/GH227.dcm",                                         // deflated, 256 KiB of pixels in 4.6 KB
        "pylibjpeg-data/SC_rgb_dcmtk_+eb+cy+np.dcm",                  // JPEG baseline, nested defined-length SQ
        "pylibjpeg-data/SC_rgb_rle_32bit_2frame.dcm",                 // RLE, 2 frames, offset table
        "pydicom-data/liver_rle.dcm",                                 // RLE SEG, 32 undefined-length SQ
        "fo-dicom/GH184.dcm",                                         // JPEG lossless, GE private groups, SQ
        "cornerstone-CTImage-all-transfer-syntaxes/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm", // fragments, no offset table
        "pydicom-data/emri_small_big_endian.dcm",                     // explicit big endian, 10 frames
        "dcm_qa_ts-MR-9-transfer-syntaxes/2.dcm",                     // implicit LE with meta group, Siemens private
        "fo-dicom/GH340.dcm",                                         // no meta group, implicit LE
        "pydicom-data/explicit_VR-UN.dcm",                            // UN elements
    ];

    /// <summary>Loads the seeds (skips the test when shared/data is absent).</summary>
    public static IReadOnlyList<FuzzSeed> Load()
    {
        var root = TestData.RequireSharedData("dicom-conformance");
        return Paths.Select(path => new FuzzSeed(path, File.ReadAllBytes(Path.Combine(root, path)))).ToList();
    }

    public override string ToString() => Name;
}
