using MimeKit;

namespace Impact60.Application.Notices;

/// <summary>
/// Writes each notice as an RFC 5322 <c>.eml</c> file into a folder: the local stand-in for SendGrid, so a demo needs
/// no account. The file name is the idempotency key, the file appears whole (written to a temporary name, then moved)
/// and an existing file is never rewritten, so a retried message leaves exactly one e-mail.
/// </summary>
public sealed class PickupFolderNoticeSender : INoticeSender
{
    private readonly string _folder;
    private readonly TimeProvider _clock;

    public PickupFolderNoticeSender(string folder, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new ArgumentException("The pickup folder (Notices__PickupFolder) is not set.", nameof(folder));
        _folder = Path.GetFullPath(folder);
        _clock = clock;
    }

    public string Folder => _folder;

    public async Task<string?> SendAsync(RenderedEmail email, string idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(email);
        var fileName = FileNameFor(idempotencyKey);
        var path = Path.Combine(_folder, fileName);
        if (File.Exists(path))
            return fileName; // sent by an earlier attempt

        Directory.CreateDirectory(_folder);
        var message = ToMimeMessage(email, idempotencyKey, _clock.GetUtcNow());
        var temp = Path.Combine(_folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await message.WriteToAsync(stream, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // A concurrent attempt for the same key won the race: its file stands, ours is dropped below.
            }
        }
        catch (IOException e) when (!File.Exists(path))
        {
            throw new TransientNoticeException($"Could not write notice {fileName} to the pickup folder: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return fileName;
    }

    /// <summary>The idempotency key as a file name: letters, digits, '-', '_' and '.'; anything else becomes '_'.</summary>
    public static string FileNameFor(string idempotencyKey)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
            throw new ArgumentException("A notice needs an idempotency key.", nameof(idempotencyKey));
        var safe = new string(idempotencyKey.Trim().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray())
            .TrimStart('.');
        if (safe.Length == 0 || safe.Length > 200)
            throw new ArgumentException($"Idempotency key '{idempotencyKey}' cannot be made into a file name.", nameof(idempotencyKey));
        return safe + ".eml";
    }

    internal static MimeMessage ToMimeMessage(RenderedEmail email, string idempotencyKey, DateTimeOffset date)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(email.From.Name, email.From.Email));
        message.To.Add(new MailboxAddress(email.To.Name, email.To.Email));
        message.Subject = email.Subject;
        message.Date = date;
        // Same key, same Message-Id: a mail system that sees the notice twice can tell.
        message.MessageId = $"{FileNameFor(idempotencyKey)[..^4]}@impact60.notices";
        message.Headers.Add("X-Impact60-Notice", idempotencyKey);

        var body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        foreach (var a in email.Attachments)
            body.Attachments.Add(a.FileName, a.Content, ContentType.Parse(a.ContentType));
        message.Body = body.ToMessageBody();
        return message;
    }
}
