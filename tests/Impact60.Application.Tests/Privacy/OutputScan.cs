using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using MimeKit;
using UglyToad.PdfPig;

namespace Impact60.Application.Tests.Privacy;

/// <summary>
/// Looks for CPR numbers in everything a run wrote, two ways:
/// <list type="bullet">
/// <item><b>Known CPRs</b> (the weak check, everywhere): each CPR the run used, as its ten digits, as <c>DDMMYY-SSSS</c>,
/// and each spelling it was injected in, verbatim.</item>
/// <item><b>Anything CPR-like</b> (the strong check): <see cref="Cpr.ContainsCprLike"/>, the rule the readers mask by,
/// so a CPR that reached an output in a spelling nobody injected (separators changed, re-spaced) is found too. It applies to
/// text as people read it; Impact60's own identifiers are taken out first, because they are hex and a run of ten digits
/// in hex with a date in front happens by chance (in about 1 of 400 SHA-256 values): pseudonyms, SHA-256 values, delivery
/// ids, name tags and message ids — any token of 8 or more hex digits holding a letter a-f, and GUIDs. A CPR inside such
/// a token would be its ten digits together, which the weak check finds.</item>
/// </list>
/// Each text is checked as it is and decoded: JSON <c>\uXXXX</c> escapes, HTML/XML character references and URL
/// percent-escapes, so a CPR written <c>010197\u20139911</c> in a JSON string or <c>010197&amp;#8211;9911</c> in a
/// document is seen as what a reader sees. PDFs are read as text (PdfPig, words separated by spaces, and the document
/// information), e-mails are decoded part by part (headers, text and HTML bodies, every attachment by its type).
/// </summary>
internal sealed partial class OutputScan
{
    private readonly List<(string Needle, string Label)> _needles;
    private readonly List<string> _findings = [];

    /// <param name="needles">Text that must appear nowhere, each with a label saying where it came from (shown on a finding).</param>
    public OutputScan(IEnumerable<(string Needle, string Label)> needles)
    {
        _needles = needles.Where(n => n.Needle.Length > 0).DistinctBy(n => n.Needle).ToList();
    }

    public IReadOnlyList<string> Findings => _findings;

    /// <summary>How many texts were checked (the scan is not vacuous).</summary>
    public int Texts { get; private set; }

    /// <summary>PDFs read as text.</summary>
    public int Pdfs { get; private set; }

    /// <summary>E-mails decoded.</summary>
    public int Emails { get; private set; }

    /// <summary>Checks one text; <paramref name="strong"/> false for text that is not for people to read (only the known CPRs then).</summary>
    public void Check(string where, string? text, bool strong = true)
    {
        if (string.IsNullOrEmpty(text)) return;
        Texts++;
        var decoded = Decode(text);
        foreach (var (view, label) in decoded == text ? [(text, "")] : new[] { (text, ""), (decoded, " (decoded)") })
        {
            foreach (var (needle, what) in _needles)
            {
                var at = view.IndexOf(needle, StringComparison.Ordinal);
                if (at >= 0) Add($"{where}{label}: holds {what} '{needle}': …{Around(view, at, needle.Length)}…");
            }
            if (strong)
            {
                var plain = WithoutOwnIdentifiers(view);
                if (Cpr.ContainsCprLike(plain))
                {
                    var masked = Cpr.MaskAll(plain);
                    var at = FirstDifference(plain, masked);
                    Add($"{where}{label}: holds a CPR-like number: …{Around(plain, at, 16)}…");
                }
            }
        }
    }

    private void Add(string finding)
    {
        if (!_findings.Contains(finding)) _findings.Add(finding);
    }

    /// <summary>Bytes of a blob or file, read as what they are: a PDF as its text, an e-mail part by part, anything else as UTF-8.</summary>
    public void CheckBytes(string where, string name, byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith("%PDF-"u8)) CheckPdf(where, bytes);
        else if (name.EndsWith(".eml", StringComparison.OrdinalIgnoreCase)) CheckEmail(where, bytes);
        else Check(where, Encoding.UTF8.GetString(bytes));
    }

    private void CheckPdf(string where, byte[] bytes)
    {
        Pdfs++;
        using var pdf = PdfDocument.Open(bytes);
        var info = pdf.Information;
        Check($"{where} (PDF information)", string.Join("\n", info.Title, info.Subject, info.Keywords, info.Author, info.Creator, info.Producer));
        foreach (var page in pdf.GetPages())
            Check($"{where} (PDF page {page.Number})", string.Join(" ", page.GetWords().Select(w => w.Text)));
    }

    private void CheckEmail(string where, byte[] bytes)
    {
        Emails++;
        // The raw message for the known CPRs only: base64 bodies are noise to the strong check.
        Check($"{where} (raw)", Encoding.UTF8.GetString(bytes), strong: false);
        using var stream = new MemoryStream(bytes);
        var mail = MimeMessage.Load(stream);
        foreach (var header in mail.Headers)
            Check($"{where} header {header.Field}", header.Value, strong: header.Id is not (HeaderId.MessageId or HeaderId.Date or HeaderId.ContentType));
        Check($"{where} subject", mail.Subject);
        Check($"{where} addresses", string.Join("\n", mail.From, mail.To, mail.Cc, mail.Bcc, mail.ReplyTo));
        foreach (var part in mail.BodyParts.OfType<MimePart>())
        {
            var name = part.FileName ?? part.ContentType.MimeType;
            Check($"{where} part {name} (name)", part.FileName);
            if (part is TextPart text && !part.IsAttachment)
            {
                Check($"{where} part {name}", text.Text);
                continue;
            }
            using var content = new MemoryStream();
            part.Content!.DecodeTo(content);
            CheckBytes($"{where} attachment {name}", name, content.ToArray());
        }
    }

    /// <summary>
    /// Everything in the storage account: every table entity property (and its keys), every blob's name, metadata and
    /// content, every message of every queue (received: they are gone from the queues afterwards).
    /// </summary>
    /// <param name="asDelivered">Blobs and queue messages that are input as it arrived, not output: the files the test
    /// dropped in the inbox (their names are the jobcenter's) and the messages it put on the ingest queue (an Event Grid
    /// event quotes the dropped file's name). Raw deliveries in <c>evidence</c> are exempt by design; their names are scanned.</param>
    public async Task CheckStorageAsync(StorageClients clients, ISet<string> asDeliveredBlobs, ISet<string> asDeliveredMessages)
    {
        await foreach (var table in clients.Tables.QueryAsync())
        {
            Check($"table name {table.Name}", table.Name);
            await foreach (var e in clients.Table(table.Name).QueryAsync<TableEntity>())
                foreach (var (key, value) in e)
                    Check($"table {table.Name} ({Short(e.PartitionKey)}, {Short(e.RowKey)}) {key}", Text(value));
        }

        await foreach (var container in clients.Blobs.GetBlobContainersAsync())
        {
            var containerClient = clients.Container(container.Name);
            await foreach (var blob in containerClient.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }))
            {
                var inbox = container.Name == StorageNames.Containers.RegisterInbox && asDeliveredBlobs.Contains(blob.Name);
                if (inbox) continue; // the jobcenter's file, named by them, as dropped
                var where = $"blob {container.Name}/{blob.Name}";
                Check($"blob name {container.Name}/…", blob.Name);
                foreach (var (k, v) in blob.Metadata) Check($"{where} metadata {k}", k + "=" + v);
                if (container.Name == StorageNames.Containers.Evidence) continue; // the raw delivery: the auditor's evidence
                var content = await containerClient.GetBlobClient(blob.Name).DownloadContentAsync();
                CheckBytes(where, blob.Name, content.Value.Content.ToArray());
            }
        }

        await foreach (var queue in clients.Queues.GetQueuesAsync())
        {
            var client = clients.Queue(queue.Name);
            while ((await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(30))).Value is { Length: > 0 } batch)
                foreach (var m in batch)
                {
                    var body = m.Body.ToString();
                    if (queue.Name is StorageNames.Queues.Ingest or StorageNames.Queues.IngestPoison && asDeliveredMessages.Contains(body)) continue;
                    Check($"queue {queue.Name} message", body);
                }
        }
    }

    /// <summary>Every file under <paramref name="folder"/> (notices as .eml, events, anything a command wrote).</summary>
    public void CheckFolder(string label, string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            Check($"{label} file name", relative);
            CheckBytes($"{label}/{relative}", file, File.ReadAllBytes(file));
        }
    }

    private static string Short(string key) => key.Length <= 12 ? key : key[..12] + "…";

    private static string? Text(object? value) => value switch
    {
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        byte[] b => Encoding.UTF8.GetString(b),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>JSON <c>\uXXXX</c> escapes, HTML/XML character references, URL percent-escapes: decoded.</summary>
    internal static string Decode(string text)
    {
        var s = JsonEscape().Replace(text, m => ((char)int.Parse(m.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
        if (s.Contains('&', StringComparison.Ordinal)) s = WebUtility.HtmlDecode(s);
        if (s.Contains('%', StringComparison.Ordinal)) s = PercentEscape().Replace(s, m => DecodePercent(m.Value));
        return s;
    }

    private static string DecodePercent(string run)
    {
        try { return Uri.UnescapeDataString(run); }
        catch (UriFormatException) { return run; }
    }

    /// <summary>Impact60's own hex identifiers and GUIDs taken out (see the class remarks).</summary>
    internal static string WithoutOwnIdentifiers(string text) =>
        HexToken().Replace(Guid().Replace(text, "#"), m => m.ValueSpan.ContainsAny("abcdefABCDEF") ? "#" : m.Value);

    private static int FirstDifference(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return i;
        return n;
    }

    private static string Around(string text, int at, int length)
    {
        var from = Math.Max(0, at - 40);
        var to = Math.Min(text.Length, at + length + 40);
        return text[from..to].ReplaceLineEndings("⏎");
    }

    [GeneratedRegex(@"\\u([0-9a-fA-F]{4})")]
    private static partial Regex JsonEscape();

    [GeneratedRegex(@"(?:%[0-9a-fA-F]{2})+")]
    private static partial Regex PercentEscape();

    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9a-fA-F]{8,}(?![0-9A-Za-z])")]
    private static partial Regex HexToken();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
