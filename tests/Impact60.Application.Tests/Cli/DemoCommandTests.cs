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
