using System.Text;
using System.Text.RegularExpressions;
using Impact60.Cli;
using MimeKit;
using UglyToad.PdfPig;

namespace Impact60.Application.Tests.Cli;

/// <summary>
/// The main job end to end (`./impact60 demo`), on a shortened timeline: Azurite, the sample register replayed into the
/// inbox, every night, every month's settlement, notices to the pickup folder, events to the outbox. Then a privacy scan
/// of everything it wrote, decoded (e-mail parts and attachments, PDF text), for the sample's CPR numbers.
/// </summary>
public sealed class DemoCommandTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) return dir.FullName;
        throw new InvalidOperationException("Impact60.sln not found");
    }

    [Fact]
    public async Task Given_the_sample_register_when_the_demo_runs_then_it_settles_notifies_and_writes_no_cpr()
    {
        var root = RepoRoot();
        var samples = Path.Combine(root, "samples");
        var output = Directory.CreateTempSubdirectory("impact60-demo-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await CliApp.RunAsync(["demo", "--out", output, "--samples", samples, "--until", "2019-11-05"], stdout, stderr);
            var printed = stdout.ToString();
            Assert.True(exit == 0, $"exit {exit}: {stderr}\n{printed}");

            // Settlements ran every month and the first invoices were issued, numbered without gaps.
            Assert.Contains("settled 2018-10", printed, StringComparison.Ordinal);
            Assert.Contains("settled 2019-10", printed, StringComparison.Ordinal);
            var documents = Directory.GetFiles(Path.Combine(output, "documents")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Contains("I60F-000001.xml", documents);
            Assert.Contains("I60F-000001.pdf", documents);
            Assert.Contains("I60F-000001.json", documents);
            var invoiceNumbers = documents.Where(d => d!.EndsWith(".xml", StringComparison.Ordinal)).Select(d => int.Parse(d![5..11])).ToList();
            Assert.Equal(Enumerable.Range(1, invoiceNumbers.Count), invoiceNumbers);

            // One notice per settlement and recipient: FOKUS and both funds every month, the jobcenter when data is missing.
            var emails = Directory.GetFiles(Path.Combine(output, "emails"), "*.eml").Select(Path.GetFileName).ToList();
            Assert.Equal(13, emails.Count(e => e!.EndsWith("-fokus.eml", StringComparison.Ordinal)));
            Assert.Equal(26, emails.Count(e => e!.Contains("-fund-", StringComparison.Ordinal)));
            Assert.Contains(emails, e => e!.EndsWith("-jobcenter.eml", StringComparison.Ordinal));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "events"), "I60F-*.json"));

            // Privacy: no CPR of the sample in any form, anywhere the run wrote, nor in what it printed.
            var cprs = File.ReadLines(Path.Combine(samples, "referrals.csv")).Skip(1)
                .Select(l => l.Split(';')[1]).Where(c => c.Length > 0)
                .SelectMany(c => new[] { c, c.Replace("-", "", StringComparison.Ordinal) }).ToHashSet();
            Assert.True(cprs.Count >= 200);
            var texts = new List<(string Where, string Text)> { ("stdout", printed), ("stderr", stderr.ToString()) };
            foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories))
                texts.AddRange(Readable(file));
            Assert.True(texts.Count > 100);
            Assert.Contains(texts, t => t.Text.Contains("JC-2018-0001", StringComparison.Ordinal)); // the scan sees content
            var pattern = new Regex(@"(?<!\d)\d{6}-?\d{4}(?!\d)");
            foreach (var (where, text) in texts)
            {
                Assert.True(!cprs.Any(c => text.Contains(c, StringComparison.Ordinal)), $"a CPR number of the sample appears in {where}");
                Assert.True(!pattern.Matches(text).Any(m => cprs.Contains(m.Value)), $"a CPR-shaped number of the sample appears in {where}");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>
    /// A small register of its own, so the whole timeline runs in well under a minute and reaches the revision: two
    /// participants whose courses end 2019-02-15 (periods W08..W20 and W21..W33), every week W08..W33 without benefit
    /// (long form, weeks-2019-09.csv, delivered month by month), then weeks-2019-10-revision.csv (delivered 2019-10-07)
    /// turns five already-invoiced weeks of the second participant into cash-benefit weeks. The demo runs to
    /// 2019-11-01 by itself (the 1st after the last delivery).
    /// </summary>
    private static string SmallRegister()
    {
        var folder = Directory.CreateTempSubdirectory("impact60-demo-samples-").FullName;
        string[] cprs = ["150590-9911", "030485-9922"];
        File.WriteAllText(Path.Combine(folder, "referrals.csv"),
            "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business\n" +
            $"JC-2018-0001;{cprs[0]};2018-09-27;2018-10-01;2019-02-15;F-001;KaffeFair\n" +
            $"JC-2018-0002;{cprs[1]};2018-09-27;2018-10-01;2019-02-15;F-002;Butik ByRetro\n");
        var weeks = new StringBuilder("cpr;week;code\n");
        foreach (var cpr in cprs)
            for (var w = 8; w <= 33; w++) weeks.Append($"{cpr};2019-W{w:00};\n");
        File.WriteAllText(Path.Combine(folder, "weeks-2019-09.csv"), weeks.ToString());
        var revision = new StringBuilder("cpr;week;code\n");
        for (var w = 8; w <= 12; w++) revision.Append($"{cprs[1]};2019-W{w:00};130\n");
        File.WriteAllText(Path.Combine(folder, "weeks-2019-10-revision.csv"), revision.ToString());
        return folder;
    }

    [Fact]
    public async Task Given_a_small_register_with_a_revision_when_the_demo_runs_its_whole_timeline_then_it_issues_the_credit_note_and_writes_every_output_where_it_says()
    {
        var samples = SmallRegister();
        var output = Directory.CreateTempSubdirectory("impact60-demo-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await CliApp.RunAsync(["demo", "--out", output, "--samples", samples], stdout, stderr);
            var printed = stdout.ToString().ReplaceLineEndings("\n");
            Assert.True(exit == 0, $"exit {exit}: {stderr}\n{printed}");

            // July: both first periods (2 × 13 × 796). October: both second periods, and the revision's five weeks credited.
            Assert.Contains("2019-08-01 settled 2019-07: I60F-000001 20696.00, -;", printed);
            Assert.Contains("2019-11-01 settled 2019-10: I60F-000002 20696.00, I60K-000001 3980.00;", printed);
            Assert.DoesNotContain("settled 2019-11", printed); // it stopped on the 1st after the last delivery
            // Redirected output: plain lines, no escape codes, nothing per night (13 settlements and the summary).
            Assert.DoesNotContain('\u001b', printed);
            Assert.InRange(printed.Split('\n').Length, 20, 60);

            // The folders it printed are where the files are.
            var documents = Path.Combine(output, "documents");
            var emails = Path.Combine(output, "emails");
            var events = Path.Combine(output, "events");
            Assert.Contains($"Documents (XML, PDF, JSON): {documents}\n", printed);
            Assert.Contains($"Notices (.eml):            {emails}\n", printed);
            Assert.Contains($"Events (SettlementIssued): {events}\n", printed);
            Assert.Equal(
                ["I60F-000001.json", "I60F-000001.pdf", "I60F-000001.xml", "I60F-000002.json", "I60F-000002.pdf", "I60F-000002.xml",
                 "I60K-000001.json", "I60K-000001.pdf", "I60K-000001.xml"],
                Directory.GetFiles(documents).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            // A SettlementIssued message per document, and one per month that issued none (docs/events.md).
            var eventFiles = Directory.GetFiles(events).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["I60F-000001.json", "I60F-000002.json", "I60K-000001.json"], eventFiles.Where(f => f!.StartsWith("I60", StringComparison.Ordinal)));
            Assert.Equal(11, eventFiles.Count(f => f!.StartsWith("settlement-", StringComparison.Ordinal)));
            Assert.DoesNotContain("settlement-2019-07.json", eventFiles);
            Assert.Equal(13, Directory.GetFiles(emails, "*-fokus.eml").Length);

            // The credit note corrects the July invoice, in each form.
            using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(documents, "I60K-000001.json"))))
                Assert.Contains("I60F-000001", json.RootElement.GetRawText());
            Assert.Contains("<cbc:ID>I60F-000001</cbc:ID>", File.ReadAllText(Path.Combine(documents, "I60K-000001.xml")));
            Assert.Contains("3.980,00", PdfText(File.ReadAllBytes(Path.Combine(documents, "I60K-000001.pdf"))));
            var october = MimeMessage.Load(Path.Combine(emails, "impact60-2019-10-fokus.eml"));
            Assert.Equal(["I60F-000002.pdf", "I60F-000002.xml", "I60K-000001.pdf", "I60K-000001.xml"],
                october.Attachments.OfType<MimePart>().Select(a => a.FileName).Order(StringComparer.Ordinal));
            Assert.True(File.Exists(Path.Combine(emails, "impact60-2019-10-jobcenter.eml"))); // W34 onwards never reported
            // The summary table's row for October.
            Assert.Matches(@"2019-10\s*│\s*I60F-000002\s*│\s*20696\.00\s*│\s*I60K-000001\s*│\s*3980\.00\s*│\s*37412\.00", printed);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            Directory.Delete(samples, recursive: true);
        }
    }

    /// <summary>A file as a person or a program would read it: e-mails decoded part by part, PDFs as their text.</summary>
    private static IEnumerable<(string Where, string Text)> Readable(string file)
    {
        var name = Path.GetFileName(file);
        yield return (name + " (name)", name);
        switch (Path.GetExtension(file))
        {
            case ".eml":
                var message = MimeMessage.Load(file);
                yield return (name + " headers", message.Headers.ToString() ?? string.Empty);
                yield return (name + " text", message.TextBody ?? string.Empty);
                yield return (name + " html", message.HtmlBody ?? string.Empty);
                foreach (var attachment in message.Attachments.OfType<MimePart>())
                {
                    using var bytes = new MemoryStream();
                    attachment.Content!.DecodeTo(bytes);
                    var fileName = attachment.FileName ?? "";
                    yield return ($"{name} attachment {fileName}",
                        fileName.EndsWith(".pdf", StringComparison.Ordinal) ? PdfText(bytes.ToArray()) : Encoding.UTF8.GetString(bytes.ToArray()));
                }
                break;
            case ".pdf":
                yield return (name, PdfText(File.ReadAllBytes(file)));
                break;
            default:
                yield return (name, File.ReadAllText(file));
                break;
        }
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }
}
