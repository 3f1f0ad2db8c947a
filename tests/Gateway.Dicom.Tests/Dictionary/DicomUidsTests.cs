namespace Gateway.Dicom.Tests.Dictionary;

/// <summary>Known answers from PS3.6 annex A.</summary>
public class DicomUidsTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.1", "Verification SOP Class", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.1.2", "Implicit VR Little Endian", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.1.2.2", "Explicit VR Big Endian", DicomUidType.TransferSyntax, true)]
    [InlineData("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", DicomUidType.TransferSyntax, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.2", "CT Image Storage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.5.1.4.1.1.4", "MR Image Storage", DicomUidType.SopClass, false)]
    [InlineData("1.2.840.10008.3.1.1.1", "DICOM Application Context Name", DicomUidType.ApplicationContextName, false)]
    public void Registered_UIDs_have_their_name_and_type(string uid, string name, DicomUidType type, bool retired)
    {
        var info = DicomUids.Lookup(uid)!;

        Assert.Equal(uid, info.Uid);
        Assert.Equal(name, info.Name);
        Assert.Equal(type, info.Type);
        Assert.Equal(retired, info.IsRetired);
    }

    [Fact]
    public void Padding_read_from_a_UI_value_is_ignored() =>
        Assert.Equal("Implicit VR Little Endian", DicomUids.Lookup("1.2.840.10008.1.2\0")?.Name);

    [Theory]
    [InlineData("1.2.840.10008.1.2.99")]
    [InlineData("1.2.840.10008")]
    [InlineData("")]
    public void Unregistered_UIDs_are_not_found(string uid) => Assert.Null(DicomUids.Lookup(uid));

    [Fact]
    public void Constants_carry_the_registered_values()
    {
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", DicomUids.CTImageStorage);
        Assert.Equal("1.2.840.10008.1.2.1", DicomUids.ExplicitVRLittleEndian);
        Assert.Equal("CTImageStorage", DicomUids.Lookup(DicomUids.CTImageStorage)!.Keyword);
    }
}
