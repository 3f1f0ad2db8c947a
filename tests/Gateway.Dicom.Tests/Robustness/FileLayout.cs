using System.IO.Compression;
using System.Text;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// Where things are in a (possibly already mutated) Part 10 file: preamble, meta group headers, the transfer
/// syntax, and the headers of the data set. For a deflated data set the data set headers are offsets into the
/// inflated bytes, which the mutator edits and deflates again.
/// </summary>
internal sealed class FileLayout
{
    public const string ImplicitLittleEndianUid = "1.2.840.10008.1.2";
    public const string ExplicitBigEndianUid = "1.2.840.10008.1.2.2";
    public const string DeflatedUid = "1.2.840.10008.1.2.1.99";

    private const int MaxInflated = 32 << 20;

    private FileLayout(byte[] file)
    {
        File = file;
    }

    public byte[] File { get; }

    /// <summary>Offset of the meta group (after preamble and "DICM"), 0 when the file has neither.</summary>
    public int MetaOffset { get; private init; }

    /// <summary>Offset of the data set in <see cref="File"/> (compressed, when deflated).</summary>
    public int DatasetOffset { get; private init; }

    public string? TransferSyntaxUid { get; private init; }

    public IReadOnlyList<LayoutEntry> Meta { get; private init; } = [];

    public bool Deflated => TransferSyntaxUid == DeflatedUid;

    /// <summary>The inflated data set of a deflated file; null when not deflated or the stream does not inflate.</summary>
    public byte[]? Inflated { get; private init; }

    /// <summary>Headers of the data set: offsets into <see cref="Inflated"/> when deflated, else into <see cref="File"/>.</summary>
    public IReadOnlyList<LayoutEntry> Dataset { get; private init; } = [];

    public bool DatasetExplicitVR { get; private init; }

    public bool DatasetBigEndian { get; private init; }

    public LayoutEntry? FindMeta(ushort element) => Meta.FirstOrDefault(entry => entry.Element == element);

    public static FileLayout Analyse(byte[] file)
    {
        var metaOffset = file.Length >= 132 && file.AsSpan(128, 4).SequenceEqual("DICM"u8) ? 132
            : file.Length >= 4 && file.AsSpan(0, 4).SequenceEqual("DICM"u8) ? 4
            : 0;
        var meta = new List<LayoutEntry>();
        var datasetOffset = LayoutScanner.Scan(file, metaOffset, true, false, meta, onlyGroup: 0x0002);
        var uid = meta.FirstOrDefault(entry => entry.Element == 0x0010 && entry.Length != LayoutEntry.UndefinedLength && entry.End <= file.Length) is { } ts
            ? Encoding.ASCII.GetString(file, ts.ValueOffset, (int)ts.Length).TrimEnd('\0', ' ')
            : null;
        var explicitVR = uid switch
        {
            null => datasetOffset + 6 <= file.Length && IsUpper(file[datasetOffset + 4]) && IsUpper(file[datasetOffset + 5]),
            ImplicitLittleEndianUid => false,
            _ => true,
        };
        var bigEndian = uid == ExplicitBigEndianUid;
        var inflated = uid == DeflatedUid ? TryInflate(file.AsSpan(datasetOffset).ToArray()) : null;
        var dataset = new List<LayoutEntry>();
        if (uid != DeflatedUid)
        {
            LayoutScanner.Scan(file, datasetOffset, explicitVR, bigEndian, dataset);
        }
        else if (inflated is not null)
        {
            LayoutScanner.Scan(inflated, 0, explicitVR, bigEndian, dataset);
        }

        return new FileLayout(file)
        {
            MetaOffset = metaOffset,
            DatasetOffset = datasetOffset,
            TransferSyntaxUid = uid,
            Meta = meta,
            Inflated = inflated,
            Dataset = dataset,
            DatasetExplicitVR = explicitVR,
            DatasetBigEndian = bigEndian,
        };
    }

    /// <summary>The file with its data set replaced by <paramref name="dataset"/> (deflated again when the file is deflated).</summary>
    public byte[] WithDataset(ReadOnlySpan<byte> dataset)
    {
        var encoded = Deflated ? DicomBytes.Deflate(dataset) : dataset.ToArray();
        return [.. File.AsSpan(0, DatasetOffset), .. encoded];
    }

    private static byte[]? TryInflate(byte[] compressed)
    {
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = inflate.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxInflated)
                {
                    return null;
                }
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static bool IsUpper(byte value) => value is >= (byte)'A' and <= (byte)'Z';
}
