using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.Tests.Archive;

/// <summary>
/// Issue 13 point 7, the definition itself: the canonical content hash ingest settles duplicates by. The files are
/// one CT image in several transfer syntaxes; which of them hold the same data set is pydicom's finding
/// (IngestIdentityTests checks it), not this code's.
/// </summary>
public sealed class CanonicalContentTests
{
    private const string Folder = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/";

    [Theory]
    [InlineData("CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm")]
    [InlineData("CTImage.dcm_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm")]
    [InlineData("CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm")]
    [InlineData("CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm")]
    [InlineData("CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm")]
    public void Point07_a_lossless_encoding_of_the_same_data_set_has_the_same_canonical_content(string name)
    {
        var original = DicomFile.Open(TestData.RequireSharedData(Folder + "CTImage.dcm"));
        var other = DicomFile.Open(TestData.RequireSharedData(Folder + name));
        Assert.NotEqual(original.TransferSyntax, other.TransferSyntax);
        Assert.Equal(CanonicalContent.Sha256(original, DicomCodecRegistry.Default), CanonicalContent.Sha256(other, DicomCodecRegistry.Default));
    }

    [Theory]
    [InlineData("CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm")]
    [InlineData("CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm")]
    public void Point07_a_lossy_encoding_is_different_content(string name)
    {
        var original = DicomFile.Open(TestData.RequireSharedData(Folder + "CTImage.dcm"));
        var lossy = DicomFile.Open(TestData.RequireSharedData(Folder + name));
        Assert.NotEqual(CanonicalContent.Sha256(original, DicomCodecRegistry.Default), CanonicalContent.Sha256(lossy, DicomCodecRegistry.Default));
    }

    [Theory]
    [InlineData("CTImage.dcm")]
    [InlineData("CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm")]
    [InlineData("US-YBR_FULL_422-EVRLE.dcm")]
    public async Task Point07_streaming_a_native_instance_gives_the_hash_of_reading_it_whole(string name)
    {
        var path = TestData.RequireSharedData(Folder + name);
        var header = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true });
        var whole = CanonicalContent.Sha256(DicomFile.Open(path), DicomCodecRegistry.Default);
        if (!CanonicalContent.CanStream(header))
        {
            Assert.Equal("YBR_FULL_422", header.Dataset.GetString(DicomTags.PhotometricInterpretation));
            return;
        }

        await using var file = File.OpenRead(path);
        Assert.Equal(whole, await CanonicalContent.Sha256OfNativeAsync(header, file, TestContext.Current.CancellationToken));
    }
}
