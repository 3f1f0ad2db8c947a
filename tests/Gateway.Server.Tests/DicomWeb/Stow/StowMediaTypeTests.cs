using Gateway.Server.DicomWeb.Stow;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>The Content-Type forms of STOW-RS requests that real clients send, against known answers.</summary>
public sealed class StowMediaTypeTests
{
    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=abc", "abc")]
    [InlineData("multipart/related; type=application/dicom; boundary=\"a b;c\"", "a b;c")]
    [InlineData("Multipart/Related;boundary=xyz;type=\"Application/DICOM\"", "xyz")]
    [InlineData("multipart/related; boundary=only-boundary", "only-boundary")]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=\"quoted\\\"inside\"", "quoted\"inside")]
    public void Accepted_forms_yield_their_boundary(string contentType, string boundary) =>
        Assert.Equal(boundary, StowMultipart.ParseBoundary(contentType));

    [Theory]
    [InlineData("application/dicom", 415)]
    [InlineData("application/json", 415)]
    [InlineData("multipart/related; type=\"application/dicom+json\"; boundary=abc", 415)]
    [InlineData("multipart/related; type=application/dicom+xml; boundary=abc", 415)]
    [InlineData("multipart/mixed; boundary=abc", 415)]
    [InlineData("", 415)]
    [InlineData("multipart/related; type=\"application/dicom\"", 400)]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=\"\"", 400)]
    public void Refused_forms_get_their_status(string contentType, int status) =>
        Assert.Equal(status, Assert.Throws<StowRequestException>(() => StowMultipart.ParseBoundary(contentType)).StatusCode);
}
