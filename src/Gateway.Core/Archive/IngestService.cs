using System.Diagnostics;
using System.Security.Cryptography;
using Gateway.Core.Headers;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Archive;

/// <summary>
/// Receives instances into the archive (DESIGN.md, "the flow of one instance"): the data set is spooled to a
/// local file while its SHA-256 is computed, its header is read and validated, a receiving row is inserted,
/// the original object is written durably, and one transaction makes the instance visible and enqueues its
/// jobs. Only then is the sender answered. Duplicates are settled by canonical content (<see cref="CanonicalContent"/>)
/// and the duplicate policy; an instance whose patient differs from its study's is refused.
/// </summary>
public sealed partial class IngestService(IArchiveIndex index, IObjectStore objects, InstanceHeaders headers, IngestOptions options, ILogger<IngestService> logger, IngestMetrics? metrics = null)
{
    private const string DimsePath = "dimse";
    private const string StowPath = "stow";

    /// <summary>A data set received by C-STORE: its bytes in <paramref name="transferSyntax"/>, without a file meta group.</summary>
    public async Task<IngestResult> StoreDataSetAsync(
        Stream dataSet, string sopClassUid, string sopInstanceUid, DicomTransferSyntax transferSyntax, string? callingAE, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(transferSyntax);
        return await MeasureAsync(DimsePath, callingAE, async () =>
        {
            var spool = await Spool.FromDataSetAsync(options.SpoolDirectory, dataSet, sopClassUid, sopInstanceUid, transferSyntax, callingAE, cancellationToken).ConfigureAwait(false);
            await using (spool.ConfigureAwait(false))
            {
                return (await StoreSpooledAsync(spool, sopInstanceUid, null, callingAE, cancellationToken).ConfigureAwait(false), spool.Length);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// A Part 10 file (a STOW-RS part). When <paramref name="expectedStudyInstanceUid"/> is given (STOW to
    /// /studies/{study}) an instance of another study is refused.
    /// </summary>
    public async Task<IngestResult> StoreFileAsync(Stream file, string? expectedStudyInstanceUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return await MeasureAsync(StowPath, null, async () =>
        {
            var spool = await Spool.FromFileAsync(options.SpoolDirectory, file, cancellationToken).ConfigureAwait(false);
            await using (spool.ConfigureAwait(false))
            {
                return (await StoreSpooledAsync(spool, null, expectedStudyInstanceUid, null, cancellationToken).ConfigureAwait(false), spool.Length);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Removes what a crash left: receiving rows and the objects they were writing; and the spool.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        Spool.Clear(options.SpoolDirectory);
        var abandoned = await index.ListAbandonedReceivesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var receive in abandoned)
        {
            if (receive.PendingObjectKey is { } key && !await index.IsReferencedAsync(key, cancellationToken).ConfigureAwait(false))
            {
                await objects.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }

            await index.AbandonReceiveAsync(receive.InstanceId, cancellationToken).ConfigureAwait(false);
        }

        if (abandoned.Count > 0)
        {
            Log.Recovered(logger, abandoned.Count);
        }

        return abandoned.Count;
    }

    /// <summary>Runs one store, then logs one line for it (stored or not) and counts it in the metrics.</summary>
    private async Task<IngestResult> MeasureAsync(string path, string? callingAE, Func<Task<(IngestResult Result, long Bytes)>> store)
    {
        var started = Stopwatch.GetTimestamp();
        IngestResult result;
        long bytes;
        try
        {
            (result, bytes) = await store().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            metrics?.Record(path, "error", 0, Stopwatch.GetElapsedTime(started));
            Log.Failed(logger, path, callingAE ?? "-", exception);
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var outcome = result.Outcome switch
        {
            IngestOutcome.Stored => "stored",
            IngestOutcome.AlreadyStored => "already_stored",
            IngestOutcome.Conflict => "conflict",
            IngestOutcome.Busy => "busy",
            IngestOutcome.StudyMismatch => "study_mismatch",
            IngestOutcome.PatientConflict => "patient_conflict",
            IngestOutcome.UnsupportedTransferSyntax => "unsupported_transfer_syntax",
            IngestOutcome.InvalidPixelData => "invalid_pixel_data",
            _ => "invalid",
        };
        metrics?.Record(path, outcome, bytes, elapsed);
        if (result.Succeeded)
        {
            Log.Stored(logger, result.SopInstanceUid ?? "-", outcome, path, callingAE ?? "-", bytes, elapsed.TotalMilliseconds);
        }
        else
        {
            Log.Refused(logger, result.SopInstanceUid ?? "-", outcome, path, callingAE ?? "-", bytes, elapsed.TotalMilliseconds, result.Message);
        }

        return result;
    }

    private async Task<IngestResult> StoreSpooledAsync(Spool spool, string? announcedSopInstanceUid, string? expectedStudyInstanceUid, string? callingAE, CancellationToken cancellationToken)
    {
        DicomFile header;
        InstanceAttributes attributes;
        try
        {
            header = spool.ReadHeader();
            attributes = InstanceAttributesReader.Read(header.Dataset);
        }
        catch (DicomException exception)
        {
            return new IngestResult(IngestOutcome.Invalid, null, announcedSopInstanceUid, null, exception.Message);
        }

        if (!header.TransferSyntax.IsKnown)
        {
            return Invalid(attributes, $"Transfer syntax {header.TransferSyntax.Uid} is not supported.") with { Outcome = IngestOutcome.UnsupportedTransferSyntax };
        }

        if (announcedSopInstanceUid is not null && announcedSopInstanceUid != attributes.SopInstanceUid)
        {
            return Invalid(attributes, $"The data set's SOP Instance UID {attributes.SopInstanceUid} differs from the one the command announced ({announcedSopInstanceUid}).");
        }

        if (expectedStudyInstanceUid is not null && expectedStudyInstanceUid != attributes.StudyInstanceUid)
        {
            return Invalid(attributes, $"The instance belongs to study {attributes.StudyInstanceUid}, not to {expectedStudyInstanceUid} named in the request.") with { Outcome = IngestOutcome.StudyMismatch };
        }

        var content = InstanceContentCheck.Check(spool, DicomCodecRegistry.Default);
        if (content.Refusal is { } refusal)
        {
            return Invalid(attributes, refusal) with { Outcome = content.Outcome!.Value };
        }

        if (content.TrailingPaddingOffset is { } end)
        {
            Log.PaddingDropped(logger, attributes.SopInstanceUid, spool.Length - end);
            await spool.TruncateAsync(end, cancellationToken).ConfigureAwait(false);
        }

        var instance = new NewInstance(
            attributes,
            header.TransferSyntax.Uid,
            await headers.EncodeAsync(attributes.SeriesInstanceUid, header.Dataset, cancellationToken).ConfigureAwait(false),
            await CanonicalSha256Async(spool, header, cancellationToken).ConfigureAwait(false),
            InstanceAttributesReader.NativePixelBytes(header.Dataset),
            callingAE ?? header.FileMetaInformation.GetString(DicomTags.SourceApplicationEntityTitle));
        var key = NewObjectKey(attributes.SopInstanceUid);
        var ticket = await index.BeginReceiveAsync(instance, key, cancellationToken).ConfigureAwait(false);
        if (ticket.Existing is { } existing)
        {
            return await SettleDuplicateAsync(existing, ticket.StudyPatient, instance, spool, callingAE, cancellationToken).ConfigureAwait(false);
        }

        var instanceId = ticket.InstanceId!.Value;
        if (IsOtherPatient(ticket.StudyPatient, attributes))
        {
            await index.AbandonReceiveAsync(instanceId, CancellationToken.None).ConfigureAwait(false);
            return PatientRefusal(ticket.StudyPatient, attributes);
        }

        try
        {
            var stored = await PutAsync(key, spool, cancellationToken).ConfigureAwait(false);
            await index.CompleteReceiveAsync(instanceId, instance, stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Undo phase 1 whatever happened; a crash instead of this is what start-up recovery is for.
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            await index.AbandonReceiveAsync(instanceId, CancellationToken.None).ConfigureAwait(false);
            if (exception is StudyPatientConflictException raced)
            {
                return PatientRefusal(raced.StudyPatient, attributes);
            }

            throw;
        }

        return new IngestResult(IngestOutcome.Stored, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, "Stored.") { SeriesInstanceUid = attributes.SeriesInstanceUid };
    }

    /// <summary>
    /// An instance already stored under this SOP Instance UID: identical content (whatever the transfer syntax,
    /// calling AE title or protocol) is a success that changes nothing; different content is refused, or replaces
    /// the stored instance under <see cref="DuplicatePolicy.Replace"/> when the sender is a C-STORE from a calling
    /// AE title <see cref="IngestOptions.ReplaceCallingAETitles"/> names (STOW-RS names no caller, so never).
    /// </summary>
    private async Task<IngestResult> SettleDuplicateAsync(
        ExistingInstance existing, PatientIdentity? studyPatient, NewInstance instance, Spool spool, string? callingAE, CancellationToken cancellationToken)
    {
        var attributes = instance.Attributes;
        if (existing.State == InstanceState.Receiving)
        {
            return new IngestResult(IngestOutcome.Busy, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, "The same instance is being received on another connection; try again.");
        }

        // Rows stored before the canonical content was recorded hold the SHA-256 of their Part 10 file, which a
        // byte-identical resend still matches.
        if (existing.ContentSha256 == instance.ContentSha256 || existing.ContentSha256 == spool.Sha256)
        {
            return new IngestResult(IngestOutcome.AlreadyStored, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, "The identical instance is stored already.") { SeriesInstanceUid = attributes.SeriesInstanceUid };
        }

        if (options.DuplicatePolicy == DuplicatePolicy.Reject)
        {
            return new IngestResult(IngestOutcome.Conflict, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, "A different instance with this SOP Instance UID is stored already.");
        }

        if (callingAE is null || !options.ReplaceCallingAETitles.Contains(callingAE))
        {
            Log.ReplaceRefused(logger, attributes.SopInstanceUid, callingAE ?? "STOW-RS");
            return new IngestResult(
                IngestOutcome.Conflict, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid,
                "A different instance with this SOP Instance UID is stored already; only the calling AE titles in DuplicateReplaceCallingAETitles may replace it.");
        }

        if (IsOtherPatient(studyPatient, attributes))
        {
            return PatientRefusal(studyPatient, attributes);
        }

        var key = NewObjectKey(attributes.SopInstanceUid);
        var stored = await PutAsync(key, spool, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> retired;
        try
        {
            retired = await index.ReplaceAsync(existing.Id, instance, stored, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            if (exception is StudyPatientConflictException raced)
            {
                return PatientRefusal(raced.StudyPatient, attributes);
            }

            throw;
        }

        foreach (var old in retired)
        {
            await objects.DeleteAsync(old, CancellationToken.None).ConfigureAwait(false);
        }

        Log.Replaced(logger, attributes.SopInstanceUid);
        return new IngestResult(IngestOutcome.Stored, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, "Stored, replacing the earlier instance with this SOP Instance UID.") { SeriesInstanceUid = attributes.SeriesInstanceUid };
    }

    private async Task<StoredObject> PutAsync(string key, Spool spool, CancellationToken cancellationToken)
    {
        await using var content = spool.OpenRead();
        var stored = await objects.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        if (stored.Sha256 != spool.Sha256)
        {
            throw new IOException($"Object {key} was stored with SHA-256 {stored.Sha256}, but the received data has {spool.Sha256}.");
        }

        return stored;
    }

    /// <summary>
    /// The SHA-256 of the instance's canonical content: large native instances streamed from the spool, others read
    /// whole. A data set that does not parse whole is identified by the bytes received instead (whether it may be
    /// stored at all is for ingest's validation to decide).
    /// </summary>
    private static async Task<string> CanonicalSha256Async(Spool spool, DicomFile header, CancellationToken cancellationToken)
    {
        try
        {
            if (spool.Length > CanonicalContent.StreamAbove && CanonicalContent.CanStream(header))
            {
                await using var content = spool.OpenRead();
                return await CanonicalContent.Sha256OfNativeAsync(header, content, cancellationToken).ConfigureAwait(false) ?? spool.Sha256;
            }

            return CanonicalContent.Sha256(spool.ReadAll(), DicomCodecRegistry.Default);
        }
        catch (Exception exception) when (exception is DicomException or EndOfStreamException)
        {
            return spool.Sha256;
        }
    }

    /// <summary>Whether the study is stored already under another Patient ID or Issuer of Patient ID than the instance names.</summary>
    private static bool IsOtherPatient(PatientIdentity? studyPatient, InstanceAttributes attributes) =>
        studyPatient is not null && studyPatient != PatientIdentity.Of(attributes);

    /// <summary>The refusal of an instance of another patient than its study's (issue 13 point 6: a study holds one patient).</summary>
    private static IngestResult PatientRefusal(PatientIdentity? studyPatient, InstanceAttributes attributes) =>
        new(
            IngestOutcome.PatientConflict, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid,
            $"Patient ID {PatientIdentity.Of(attributes)} differs from {studyPatient?.ToString() ?? "that"} of study {attributes.StudyInstanceUid}; the study was left unchanged.")
        {
            SeriesInstanceUid = attributes.SeriesInstanceUid,
        };

    /// <summary>A fresh key per object, so a replacement never overwrites what a reader may be streaming.</summary>
    private static string NewObjectKey(string sopInstanceUid)
    {
        var safe = new string(sopInstanceUid.Select(character => char.IsAsciiDigit(character) || character == '.' ? character : '_').ToArray());
        return $"{safe}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.dcm";
    }

    private static IngestResult Invalid(InstanceAttributes attributes, string message) =>
        new(IngestOutcome.Invalid, attributes.SopClassUid, attributes.SopInstanceUid, attributes.StudyInstanceUid, message) { SeriesInstanceUid = attributes.SeriesInstanceUid };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Ingest {SopInstanceUid} {Outcome} via {Path} from {CallingAE}: {Bytes} bytes in {ElapsedMs:F1} ms")]
        public static partial void Stored(ILogger logger, string sopInstanceUid, string outcome, string path, string callingAE, long bytes, double elapsedMs);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Ingest {SopInstanceUid} {Outcome} via {Path} from {CallingAE}: {Bytes} bytes in {ElapsedMs:F1} ms: {Reason}")]
        public static partial void Refused(ILogger logger, string sopInstanceUid, string outcome, string path, string callingAE, long bytes, double elapsedMs, string reason);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Ingest via {Path} from {CallingAE} failed")]
        public static partial void Failed(ILogger logger, string path, string callingAE, Exception exception);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Replaced {SopInstanceUid} with a different instance (duplicate policy Replace)")]
        public static partial void Replaced(ILogger logger, string sopInstanceUid);

        [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Ingest {SopInstanceUid}: {Bytes} bytes of zero padding after the data set are not stored")]
        public static partial void PaddingDropped(ILogger logger, string sopInstanceUid, long bytes);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Start-up recovery removed {Count} instances left half-received by a crash")]
        public static partial void Recovered(ILogger logger, int count);

        [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Refused to replace {SopInstanceUid} (duplicate policy Replace): {Caller} is not in DuplicateReplaceCallingAETitles")]
        public static partial void ReplaceRefused(ILogger logger, string sopInstanceUid, string caller);
    }
}
