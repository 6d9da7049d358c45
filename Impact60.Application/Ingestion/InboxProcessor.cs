using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Ingestion;

/// <summary>The outcome of processing one dropped file. <see cref="BlobName"/> is the inbox name as given (it may hold
/// personal data: never print or log it unmasked); <see cref="Error"/> is masked; <see cref="ErrorReport"/> is the name of
/// the error report written beside a file rejected whole.</summary>
public sealed record InboxOutcome(string BlobName, InboxStatus Status, IngestionResult? Result, string? Error, string? ErrorReport = null);

public enum InboxStatus
{
    /// <summary>Ingested (or found to be a duplicate) and removed from the inbox; its bytes are in the evidence archive.</summary>
    Ingested,
    /// <summary>Unreadable as a whole: left in place, the reason in an error report beside it (<see cref="InboxProcessor.ErrorReportName"/>).</summary>
    Rejected,
    /// <summary>Not in the inbox (already processed by an earlier attempt, or an error report): nothing to do.</summary>
    NotFound,
}

/// <summary>
/// Ingests a file the jobcenter dropped in container <c>register-inbox</c>. The Functions side calls this from a queue
/// trigger on <c>ingest</c>: an Event Grid blob-created subscription (or the CLI) puts a message naming the blob. A
/// queue rather than a blob trigger because on Flex Consumption blob triggers need Event Grid anyway, and a queue gives
/// retries and a poison queue for free.
/// Idempotent: a retry after a crash either finds the blob gone (done) or ingests it again, which the delivery log
/// recognises as a duplicate (or, if the crash came before the log entry, redoes idempotently).
/// <para>The jobcenter names its files, and a name may carry a CPR number (<c>weeks-DDMMYYSSSS.csv</c>). The dropped
/// file itself is theirs and stays as named, but nothing Impact60 writes or logs carries the name unmasked: the error
/// report is named by <see cref="ErrorReportName"/>, its text and the log lines use the masked name.</para>
/// </summary>
public sealed class InboxProcessor(StorageClients clients, RegisterIngestion ingestion, IOptions<PseudonymisationOptions> key, ILogger<InboxProcessor> logger)
{
    public const string ErrorSuffix = ".error.txt";
    private readonly BlobContainerClient _inbox = clients.Container(StorageNames.Containers.RegisterInbox);
    private readonly Lazy<byte[]> _nameKey = new(() => NameKey(key.Value));

    public async Task<InboxOutcome> ProcessAsync(string blobName, DateOnly today, CancellationToken cancellationToken = default)
    {
        var source = RegisterIngestion.MaskedSource(blobName);
        if (blobName.EndsWith(ErrorSuffix, StringComparison.Ordinal))
            return new InboxOutcome(blobName, InboxStatus.NotFound, null, null);

        var blob = _inbox.GetBlobClient(blobName);
        var errorReport = ErrorReportName(blobName);
        var temp = Path.Combine(Path.GetTempPath(), $"impact60-inbox-{Guid.NewGuid():N}.tmp");
        try
        {
            try
            {
                await blob.DownloadToAsync(temp, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                logger.LogInformation("Inbox file {Source} is not there (already processed?); nothing to do", source);
                return new InboxOutcome(blobName, InboxStatus.NotFound, null, null);
            }

            IngestionResult result;
            try
            {
                var isReferrals = IsReferralsFile(temp);
                await using var stream = File.OpenRead(temp);
                result = isReferrals
                    ? await ingestion.IngestReferralsFileAsync(stream, blobName, today, cancellationToken).ConfigureAwait(false)
                    : await ingestion.IngestWeeksFileAsync(stream, blobName, today, cancellationToken).ConfigureAwait(false);
            }
            catch (RegisterFileException e)
            {
                var reason = Cpr.MaskAll($"{source} was not ingested: {e.Reason}. Correct the file and drop it again (the rejected file stays here).");
                await _inbox.GetBlobClient(errorReport)
                    .UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(reason + "\n")), overwrite: true, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Inbox file {Source} rejected whole ({ErrorReport} written beside it): {Reason}", source, errorReport, e.Reason);
                return new InboxOutcome(blobName, InboxStatus.Rejected, null, reason, errorReport);
            }
            if (result.RefusedReason is { } refused)
            {
                // Read, but refused whole (most of its rows bad): nothing stored; like a file unreadable as a whole it stays
                // here with the reason beside it, and the quarantine report lists its rows.
                var reason = Cpr.MaskAll($"{source} was refused whole: {refused}. The rejected rows are in {StorageNames.Containers.Quarantine}/{result.QuarantineBlobName}. " +
                                         "Correct the file and drop it again (the refused file stays here).");
                await _inbox.GetBlobClient(errorReport)
                    .UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(reason + "\n")), overwrite: true, cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Inbox file {Source} refused whole ({ErrorReport} written beside it): {Reason}", source, errorReport, refused);
                return new InboxOutcome(blobName, InboxStatus.Rejected, result, reason, errorReport);
            }

            // Ingested (its bytes are in the evidence archive): remove it, and any error report of an earlier bad version
            // (also one an earlier release named after the unmasked file name).
            await _inbox.GetBlobClient(errorReport).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (errorReport != blobName + ErrorSuffix)
                await _inbox.GetBlobClient(blobName + ErrorSuffix).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new InboxOutcome(blobName, InboxStatus.Ingested, result, null);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// The error report for a file rejected whole, beside it in the inbox: <c>{name}.error.txt</c> when the name holds
    /// nothing CPR-shaped; otherwise the masked name plus 8 hex digits of a keyed hash of the real name
    /// (<c>weeks-XXXXXX-XXXX.csv.1f3a9c0b.error.txt</c>), so two files that mask alike get reports of their own and the
    /// report of a given file is found again (to delete it once a corrected file is ingested). Keyed (HMAC under a key
    /// derived from the pseudonymisation key): an unkeyed hash of a name like <c>weeks-{cpr}.csv</c> could be reversed by
    /// trying every CPR.
    /// </summary>
    /// <remarks>
    /// The name is also kept a valid blob name whatever the dropped file is called (docs/ingestion.md "Azure storage
    /// limits"): a name that is long (the report's name would pass 1,024 characters) or holds a control character takes
    /// the hashed form too, cut, with every unsafe character replaced by <c>_</c>.
    /// </remarks>
    public string ErrorReportName(string blobName)
    {
        var masked = Cpr.MaskAll(blobName);
        if (masked == blobName && blobName.Length + ErrorSuffix.Length <= MaxBlobNameLength && !SafeText.HasUnsafe(blobName))
            return blobName + ErrorSuffix;
        var hash = HMACSHA256.HashData(_nameKey.Value, Encoding.UTF8.GetBytes(blobName));
        var tag = $".{Convert.ToHexStringLower(hash.AsSpan(0, 4))}{ErrorSuffix}";
        var safe = string.Concat(masked.Select(c => SafeText.IsUnsafe(c) ? '_' : c));
        if (safe.Length > MaxNameStem) safe = safe[..MaxNameStem];
        return safe + tag;
    }

    /// <summary>A blob name's limit (1,024 characters); the error report's stem leaves room for the tag and a margin.</summary>
    private const int MaxBlobNameLength = 1024;
    private const int MaxNameStem = 900;

    private static byte[] NameKey(PseudonymisationOptions options) =>
        HMACSHA256.HashData(Convert.FromBase64String(options.Key!.Trim()), "impact60:inbox-error-report-name"u8);

    /// <summary>A referrals file has a <c>referral_id</c> column; anything else is read as weeks (long or wide form) and
    /// the weeks reader says precisely what is wrong if it is neither.</summary>
    private static bool IsReferralsFile(string path)
    {
        // At most the first 64 KiB characters: a file of one 200 MB line must not be read into memory to find its header.
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[64 * 1024];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        var header = buffer.AsSpan(0, read);
        var end = header.IndexOfAny('\n', '\r');
        if (end >= 0) header = header[..end];
        return header.ToString().TrimStart('\uFEFF').Split(';').Any(h => h.Trim().Equals("referral_id", StringComparison.OrdinalIgnoreCase));
    }
}
