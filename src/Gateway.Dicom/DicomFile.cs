using System.IO.Compression;
using Gateway.Dicom.IO;

namespace Gateway.Dicom;

/// <summary>
/// A DICOM file (PS3.10): optional 128-byte preamble, File Meta Information and the data set. Files without
/// preamble or meta group (ACR-NEMA style) are read too; their transfer syntax is detected from the bytes.
/// </summary>
public sealed class DicomFile
{
    public DicomFile(DicomDataset dataset, DicomTransferSyntax transferSyntax, DicomDataset? fileMetaInformation = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        FileMetaInformation = fileMetaInformation ?? new DicomDataset();
    }

    /// <summary>The 128 bytes before "DICM", kept as read; null when the file had none (a written file gets zeros).</summary>
    public byte[]? Preamble { get; set; }

    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the data set is (or will be) encoded in.</summary>
    public DicomTransferSyntax TransferSyntax { get; set; }

    /// <summary>Oddities met while reading that did not stop it (trailing bytes, mismatched encodings).</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>When reading stopped before pixel data: the offset of the Pixel Data element in the file.</summary>
    public long? PixelDataOffset { get; private init; }

    /// <summary>
    /// When zero bytes follow the data set (trailing padding, which is not part of it): the offset in the file where
    /// they begin, so the file without them is its first this many bytes. Null without padding, and for a deflated
    /// data set (whose offsets are not the file's).
    /// </summary>
    public long? TrailingPaddingOffset { get; private init; }

    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            return Read(stream, options);
        }
        catch (DicomParseException exception)
        {
            throw new DicomParseException($"{path}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads a file from a stream, which is read forward only (it need not be seekable).</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReadOptions.Default;
        var warnings = new List<string>();
        var input = new DicomInput(stream);
        var reader = new DicomDatasetReader(options, warnings);

        var preamble = ReadPreamble(input);
        var meta = reader.ReadMetaGroup(input);
        var declared = meta.GetString(DicomTags.TransferSyntaxUID);
        var syntax = declared is { Length: > 0 }
            ? DicomTransferSyntax.FromUid(declared)
            : TransferSyntaxDetector.Detect(input.Peek(8), warnings);

        DicomDataset dataset;
        if (syntax.IsDeflated)
        {
            using var inflatedStream = DeflateDetection.Open(input.RemainingStream(), options.MaxInflatedLength);
            var inflated = new DicomInput(inflatedStream);
            dataset = reader.ReadTopLevel(inflated, TransferSyntaxDetector.Confirm(syntax, inflated.Peek(8), warnings));
        }
        else
        {
            dataset = reader.ReadTopLevel(input, TransferSyntaxDetector.Confirm(syntax, input.Peek(8), warnings));
        }

        if (dataset.Count == 0 && meta.Count == 0)
        {
            throw new DicomParseException("No DICOM data elements found: this is not a DICOM file.");
        }

        return new DicomFile(dataset, syntax, meta)
        {
            Preamble = preamble,
            Warnings = warnings,
            PixelDataOffset = reader.StoppedAtPixelData,
            TrailingPaddingOffset = syntax.IsDeflated ? null : reader.TrailingPaddingAt,
        };
    }

    /// <summary>Writes the file to <paramref name="path"/> in <see cref="TransferSyntax"/>.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        Save(stream);
    }

    /// <summary>
    /// Writes preamble, File Meta Information (regenerated: group length, version, SOP class and instance from
    /// the data set, transfer syntax, this implementation's UID and version) and the data set in
    /// <see cref="TransferSyntax"/>. Pixel data must already be in that syntax's form; transcoding is separate.
    /// Group 0002 elements in the data set are not written: PS3.10 reserves that group for the meta information.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!TransferSyntax.IsKnown)
        {
            throw new DicomException($"Cannot write a data set in unknown transfer syntax {TransferSyntax.Uid}.");
        }

        // Such elements (left by a damaged meta group the reader could not finish) would be read back as part of the
        // meta group written before them, where a stale Transfer Syntax UID would override the real one.
        var dataset = Dataset.Any(element => element.Tag.Group == 0x0002)
            ? new DicomDataset(Dataset.Where(element => element.Tag.Group != 0x0002))
            : Dataset;

        var buffered = new BufferedStream(stream, 64 * 1024);
        SaveFileMetaInformation(buffered);
        if (TransferSyntax.IsDeflated)
        {
            buffered.Flush();
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            var deflateBuffer = new BufferedStream(deflate, 64 * 1024);
            new DicomDatasetWriter(deflateBuffer, DicomEncoding.Of(TransferSyntax)).WriteDataset(dataset);
            deflateBuffer.Flush();
        }
        else
        {
            new DicomDatasetWriter(buffered, DicomEncoding.Of(TransferSyntax)).WriteDataset(dataset);
        }

        buffered.Flush();
    }

    /// <summary>
    /// Writes the preamble, "DICM" and the File Meta Information group: everything of the file before the data
    /// set (for writers that append a data set already encoded in <see cref="TransferSyntax"/>).
    /// </summary>
    public void SaveFileMetaInformation(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Preamble ?? new byte[128]);
        stream.Write("DICM"u8);
        new DicomDatasetWriter(stream, DicomEncoding.ExplicitLittleEndian).WriteDataset(CreateFileMetaInformation());
    }

    /// <summary>The File Meta Information group as <see cref="Save(Stream)"/> writes it.</summary>
    public DicomDataset CreateFileMetaInformation()
    {
        var meta = new DicomDataset(FileMetaInformation.Where(element => element.Tag != DicomTags.FileMetaInformationGroupLength));
        meta.Add(new DicomValueElement(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 }));
        CopyUid(DicomTags.SOPClassUID, DicomTags.MediaStorageSOPClassUID, meta);
        CopyUid(DicomTags.SOPInstanceUID, DicomTags.MediaStorageSOPInstanceUID, meta);
        meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, TransferSyntax.Uid);
        meta.SetString(DicomTags.ImplementationClassUID, DicomVR.UI, DicomImplementation.ClassUid);
        meta.SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomImplementation.VersionName);
        var groupLength = new DicomDatasetWriter(Stream.Null, DicomEncoding.ExplicitLittleEndian).DatasetLength(meta);
        meta.SetValues(DicomTags.FileMetaInformationGroupLength, DicomVR.UL, checked((uint)groupLength));
        return meta;
    }

    private void CopyUid(DicomTag from, DicomTag to, DicomDataset meta)
    {
        if (Dataset.GetString(from) is { Length: > 0 } uid)
        {
            meta.SetString(to, DicomVR.UI, uid);
        }
    }

    private static byte[]? ReadPreamble(DicomInput input)
    {
        var head = input.Peek(132);
        if (head.Length == 132 && head[128..].SequenceEqual("DICM"u8))
        {
            var preamble = head[..128].ToArray();
            input.Skip(132, "preamble");
            return preamble;
        }

        if (head.Length >= 4 && head[..4].SequenceEqual("DICM"u8))
        {
            input.Skip(4, "DICM prefix");
        }

        return null;
    }
}
