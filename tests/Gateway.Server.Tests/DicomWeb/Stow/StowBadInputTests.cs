using System.Net;
using System.Text;
using Gateway.Dicom;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>
/// Bad STOW-RS requests against one gateway that already holds an instance: each gets the right status (and
/// Failure Reason), stores nothing (rows and object files counted before and after) and loses nothing (the stored
/// instance is still there, byte for byte).
/// </summary>
public sealed class StowBadInputTests(StowBadInputTests.Fixture fixture) : IClassFixture<StowBadInputTests.Fixture>
{
    private const long MaxBody = 3 * 1024 * 1024;

    public static TheoryData<string> Cases =>
    [
        "non-DICOM part",
        "garbage JSON in a DICOM part",
        "part of another media type",
        "truncated multipart",
        "wrong boundary",
        "missing boundary",
        "missing SOP Instance UID",
        "study UID in the URL differs from the instance",
        "oversized body",
        "oversized chunked body",
        "accepts only DICOM XML",
        "application/json request",
        "type application/dicom+json",
        "unknown transfer syntax in the file meta",
        "empty body",
        "no parts",
        "different instance under a stored SOP Instance UID",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_request_gets_its_status_stores_nothing_and_loses_nothing(string kind)
    {
        TestData.RequireSharedData(Fixture.ConformanceFolder);
        var cancellationToken = TestContext.Current.CancellationToken;
        var (path, contentType, body, expectedStatus, expectedReason) = fixture.Request(kind);
        var probe = fixture.Probe;
        var before = await probe.CountAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = kind.Contains("chunked", StringComparison.Ordinal) ? new StreamContent(new NoLengthStream(body)) : new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.ExpectContinue = true;
        if (kind == "accepts only DICOM XML")
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/dicom+xml");
        }

        using var response = await fixture.Gateway.Http.SendAsync(request, cancellationToken);

        Assert.Equal(expectedStatus, response.StatusCode);
        if (expectedReason is { } reason)
        {
            var failed = Assert.Single((await StowResponseJson.ReadAsync(response, cancellationToken)).Failed);
            Assert.Equal(reason, failed.FailureReason);
        }

        Assert.Equal(before, await probe.CountAsync());
        await probe.AssertStoredBitExactAsync(fixture.StoredUid, fixture.StoredFile);
    }

    /// <summary>A body whose length HttpClient cannot know, so it is sent with chunked transfer encoding.</summary>
    private sealed class NoLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }

    /// <summary>The gateway (STOW bodies limited to 3 MiB), one instance stored through it, and the bad files, made with DCMTK or by patching bytes.</summary>
    public sealed class Fixture(PostgresCluster cluster) : IAsyncLifetime
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("stow-bad-").FullName;
        private string _conformance = null!;

        private GatewayInstance? _gateway;

        public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("The fixture did not start (no ../shared/data).");

        public ArchiveProbe Probe { get; private set; } = null!;

        public string StoredFile => Path.Combine(_conformance, "2.dcm");

        public string StoredUid { get; private set; } = null!;

        /// <summary>The files every case is built from; without them the fixture starts nothing and the tests skip.</summary>
        public const string ConformanceFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

        public async ValueTask InitializeAsync()
        {
            if (TestData.SharedData is null)
            {
                return;
            }

            _conformance = TestData.RequireSharedData(ConformanceFolder);
            _gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["StowMaxBodyBytes"] = MaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Probe = new ArchiveProbe(Gateway.ConnectionString, Gateway.DataDirectory);
            StoredUid = DicomFile.Open(StoredFile).Dataset.GetString(DicomTags.SOPInstanceUID)!;
            using var content = new ByteArrayContent(MultipartBody.OfFiles([StoredFile]));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            using var response = await Gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // DCMTK removes the SOP Instance UID (an independent writer).
            var noUid = Path.Combine(_folder, "no-uid.dcm");
            File.Copy(Path.Combine(_conformance, "5.dcm"), noUid);
            ExternalTool.RunChecked("dcmodify", ["-nb", "-ea", "(0008,0018)", noUid], "dcmtk");
        }

        public (string Path, string ContentType, byte[] Body, HttpStatusCode Status, int? Reason) Request(string kind)
        {
            const string Dicom = $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}";
            var valid = File.ReadAllBytes(Path.Combine(_conformance, "4.dcm"));
            return kind switch
            {
                "non-DICOM part" => ("dicomweb/studies", Dicom, Part("application/dicom", "This is a text file, not DICOM.\n"u8.ToArray()), HttpStatusCode.Conflict, 0xC000),
                "garbage JSON in a DICOM part" => ("dicomweb/studies", Dicom, Part("application/dicom", "{\"00100010\": {\"vr\": \"PN\", \"Value\": [ garbage"u8.ToArray()), HttpStatusCode.Conflict, 0xC000),
                "part of another media type" => ("dicomweb/studies", Dicom, Part("application/json", valid), HttpStatusCode.Conflict, 0xC000),
                "truncated multipart" => ("dicomweb/studies", Dicom, MultipartBody.Build([("application/dicom", valid)], close: false)[..(valid.Length / 2)], HttpStatusCode.BadRequest, null),
                "wrong boundary" => ("dicomweb/studies", "multipart/related; type=\"application/dicom\"; boundary=another-boundary", Part("application/dicom", valid), HttpStatusCode.BadRequest, null),
                "missing boundary" => ("dicomweb/studies", "multipart/related; type=\"application/dicom\"", Part("application/dicom", valid), HttpStatusCode.BadRequest, null),
                "missing SOP Instance UID" => ("dicomweb/studies", Dicom, Part("application/dicom", File.ReadAllBytes(Path.Combine(_folder, "no-uid.dcm"))), HttpStatusCode.Conflict, 0xC000),
                "study UID in the URL differs from the instance" => ("dicomweb/studies/1.2.826.0.1.3680043.8.498.1", Dicom, Part("application/dicom", valid), HttpStatusCode.Conflict, 0xA900),
                "accepts only DICOM XML" => ("dicomweb/studies", Dicom, Part("application/dicom", valid), HttpStatusCode.NotAcceptable, null),
                "oversized chunked body" => ("dicomweb/studies", Dicom, Part("application/dicom", new byte[MaxBody + 1024]), HttpStatusCode.RequestEntityTooLarge, null),
                "oversized body" => ("dicomweb/studies", Dicom, Part("application/dicom", new byte[MaxBody + 1024]), HttpStatusCode.RequestEntityTooLarge, null),
                "application/json request" => ("dicomweb/studies", "application/json", "{\"00080018\": garbage"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, null),
                "type application/dicom+json" => ("dicomweb/studies", $"multipart/related; type=\"application/dicom+json\"; boundary={MultipartBody.Boundary}", Part("application/dicom+json", "[{}]"u8.ToArray()), HttpStatusCode.UnsupportedMediaType, null),
                "unknown transfer syntax in the file meta" => ("dicomweb/studies", Dicom, Part("application/dicom", WithUnknownTransferSyntax(Path.Combine(_conformance, "1.dcm"))), HttpStatusCode.Conflict, 0xC122),
                "empty body" => ("dicomweb/studies", Dicom, [], HttpStatusCode.BadRequest, null),
                "no parts" => ("dicomweb/studies", Dicom, Encoding.ASCII.GetBytes($"--{MultipartBody.Boundary}--\r\n"), HttpStatusCode.BadRequest, null),
                "different instance under a stored SOP Instance UID" => ("dicomweb/studies", Dicom, Part("application/dicom", WithLastByteChanged(StoredFile)), HttpStatusCode.Conflict, 0x0111),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
        }

        public async ValueTask DisposeAsync()
        {
            if (_gateway is not null)
            {
                await _gateway.DisposeAsync();
            }

            Directory.Delete(_folder, recursive: true);
        }

        private static byte[] Part(string contentType, byte[] content) => MultipartBody.Build([(contentType, content)]);

        /// <summary>Explicit VR Little Endian (1.2.840.10008.1.2.1) in the meta group rewritten, same length, to an unassigned UID.</summary>
        private static byte[] WithUnknownTransferSyntax(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var known = "1.2.840.10008.1.2.1\0"u8.ToArray();
            var at = bytes.AsSpan(0, 1024).IndexOf(known);
            Assert.True(at > 0, "the file's meta group names Explicit VR Little Endian");
            "1.2.840.10008.1.2.7\0"u8.CopyTo(bytes.AsSpan(at));
            return bytes;
        }

        /// <summary>The same instance (same UIDs) with one pixel value changed.</summary>
        private static byte[] WithLastByteChanged(string path)
        {
            var bytes = File.ReadAllBytes(path);
            bytes[^1] ^= 0x01;
            return bytes;
        }
    }
}
