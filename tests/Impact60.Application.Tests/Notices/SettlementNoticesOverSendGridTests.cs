using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Impact60.Application.Documents;
using Impact60.Domain.Primitives;
using Impact60.Application.Tests.Documents;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using UglyToad.PdfPig;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit.Abstractions;
using static Impact60.Application.Tests.Documents.PipelineScenario;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace Impact60.Application.Tests.Notices;

/// <summary>
/// A settlement's notices as SendGrid receives them (WireMock.Net on loopback standing in for the API), made by the real
/// pipeline from register files that carry CPR numbers: the extract files go in with CPRs, the notices are built from
/// what was stored, and every request — its JSON, its text and HTML parts, and each attachment decoded from base64
/// (PDF text read with PdfPig, XML as text) — is scanned for those CPRs and the pseudonyms derived from them.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementNoticesOverSendGridTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private const string MailSend = "/v3/mail/send";
    private readonly WireMockServer _sendGrid = WireMockServer.Start();

    public void Dispose()
    {
        _sendGrid.Stop();
        _sendGrid.Dispose();
    }

    /// <summary>One e-mail as SendGrid got it, with every part a person or a program would read, decoded.</summary>
    private sealed record SentMail(string To, string Subject, string Text, string Html, IReadOnlyList<(string FileName, string Type, string Readable)> Attachments, string RawBody)
    {
        public IEnumerable<(string Where, string Text)> Readable =>
            new[] { ("request body", RawBody), ("subject", Subject), ("text part", Text), ("html part", Html) }
                .Concat(Attachments.Select(a => ($"attachment {a.FileName}", a.Readable)))
                .Select(t => ($"mail to {To}: {t.Item1}", t.Item2));
    }

    private async Task<(PipelineScenario Run, IReadOnlyList<SentMail> Mails)> SettleAndSendAsync()
    {
        _sendGrid.Given(Request.Create().WithPath(MailSend).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-1"));
        var run = await StartAsync(azurite, sendGridHost: _sendGrid.Url);
        await run.FirstSettlementAsync();
        var sent = await run.Pipeline.DrainNoticesAsync(CancellationToken.None);
        Assert.Equal(4, sent);
        return (run, _sendGrid.LogEntries.Where(e => e.RequestMessage.Path == MailSend).Select(e => Decode(e.RequestMessage.Body!)).ToList());
    }

    private static SentMail Decode(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var content = root.GetProperty("content").EnumerateArray().ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value").GetString()!);
        var attachments = root.TryGetProperty("attachments", out var list)
            ? list.EnumerateArray().Select(a =>
            {
                var bytes = Convert.FromBase64String(a.GetProperty("content").GetString()!);
                var type = a.GetProperty("type").GetString()!;
                return (a.GetProperty("filename").GetString()!, type, type == "application/pdf" ? PdfText(bytes) : Encoding.UTF8.GetString(bytes));
            }).ToList()
            : [];
        return new SentMail(root.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString()!,
            root.GetProperty("subject").GetString()!, content["text/plain"], content["text/html"], attachments, body);
    }

    private static string PdfText(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return string.Join("\n", doc.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    /// <summary>Where any CPR of the register files (either form), any CPR-shaped number or a pseudonym appears; empty is clean.</summary>
    private static List<string> PersonalDataFound(IEnumerable<(string Where, string Text)> texts, Pseudonymizer pseudonymizer)
    {
        var needles = Participants.SelectMany(p => PrivacyScan.Forms(Cpr(p)).Select(f => ("a CPR", f))
            .Append(("a pseudonym", SampleRegister.PseudonymOf(pseudonymizer, Cpr(p)).ToString()))).ToList();
        var cprShaped = new Regex(@"(?<!\d)\d{6}-?\d{4}(?!\d)");
        var found = new List<string>();
        foreach (var (where, text) in texts)
        {
            found.AddRange(needles.Where(n => text.Contains(n.Item2, StringComparison.Ordinal)).Select(n => $"{where} contains {n.Item1}"));
            // Any number that reads as a CPR (a valid DDMMYY date and 4 digits), not only the register's: a bank account
            // such as 0012345678 is 10 digits but no date.
            found.AddRange(cprShaped.Matches(text).Where(m => Domain.Primitives.Cpr.TryParse(m.Value, out _, out _))
                .Select(m => $"{where} contains a CPR-shaped number {m.Value[..2]}…"));
        }
        return found;
    }

    [Fact]
    public async Task Given_a_settlement_from_CPR_bearing_register_files_when_its_notices_go_through_SendGrid_then_no_request_or_decoded_attachment_carries_a_CPR_or_a_pseudonym()
    {
        var (run, mails) = await SettleAndSendAsync();
        await using var _ = run;
        var pseudonymizer = run.Host.Get<Pseudonymizer>();

        var texts = mails.SelectMany(m => m.Readable).ToList();

        Assert.Equal(["impact60.dsk@example.dk", "impact60.jobcenter@example.dk", "impact60.obelske@example.dk", "impact60@example.dk"],
            mails.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.Empty(PersonalDataFound(texts, pseudonymizer));
        // The scan reads the content: the decoded PDF and XML name the referral, and a CPR put in a text would be found.
        var fokus = Assert.Single(mails, m => m.To == "impact60@example.dk");
        Assert.All(fokus.Attachments, a => Assert.Contains("JC-2018-0001", a.Readable));
        Assert.NotEmpty(PersonalDataFound([("control", $"… {Cpr(2)} …")], pseudonymizer));
        Assert.NotEmpty(PersonalDataFound([("control", $"… {SampleRegister.PseudonymOf(pseudonymizer, Cpr(3))} …")], pseudonymizer));
    }

    [Fact]
    public async Task Given_a_settlement_when_FOKUS_is_notified_through_SendGrid_then_the_mail_has_the_invoice_as_PDF_and_as_XML()
    {
        var (run, mails) = await SettleAndSendAsync();
        await using var _ = run;
        var fokus = Assert.Single(mails, m => m.To == "impact60@example.dk");

        Assert.Equal([("I60F-000001.pdf", "application/pdf"), ("I60F-000001.xml", "application/xml")],
            fokus.Attachments.Select(a => (a.FileName, a.Type)));
        Assert.Contains("Faktura I60F-000001", fokus.Attachments[0].Readable);
        Assert.Contains("51.740,00", fokus.Attachments[0].Readable); // (26 + 26 + 13) × 796
        var xml = XDocument.Parse(fokus.Attachments[1].Readable).Root!;
        Assert.Equal(("Invoice", "I60F-000001"), (xml.Name.LocalName, xml.Element(UblWriter.Cbc + "ID")!.Value));
        // The attachments are the archived documents, byte for byte.
        var mailJson = JsonDocument.Parse(fokus.RawBody).RootElement.GetProperty("attachments");
        Assert.Equal(await run.DocumentAsync("I60F-000001.pdf"), Convert.FromBase64String(mailJson[0].GetProperty("content").GetString()!));
        Assert.Equal(await run.DocumentAsync("I60F-000001.xml"), Convert.FromBase64String(mailJson[1].GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task Given_a_settlement_when_the_funds_are_notified_through_SendGrid_then_each_mail_has_the_aggregates_and_no_person_level_data()
    {
        var (run, mails) = await SettleAndSendAsync();
        await using var _ = run;
        var pseudonymizer = run.Host.Get<Pseudonymizer>();
        var funds = mails.Where(m => m.To is "impact60.dsk@example.dk" or "impact60.obelske@example.dk").ToList();
        Assert.Equal(2, funds.Count);

        foreach (var mail in funds)
        {
            output.WriteLine(mail.Text);
            Assert.Empty(mail.Attachments);
            foreach (var (where, text) in mail.Readable)
            {
                foreach (var p in Participants)
                {
                    Assert.False(text.Contains(ReferralId(p), StringComparison.Ordinal), $"{where} names referral {ReferralId(p)}");
                    Assert.False(text.Contains(FokusRef(p), StringComparison.Ordinal), $"{where} names FOKUS reference {FokusRef(p)}");
                }
                Assert.DoesNotMatch(@"JC-\d{4}-\d{4}", text);
                Assert.DoesNotMatch("[0-9a-f]{64}", text); // no pseudonym, nor anything shaped like one
            }
            Assert.Empty(PersonalDataFound(mail.Readable, pseudonymizer));

            // The programme's aggregates: 3 referred, none in course, all 3 self-supporting for 13+ weeks; revenue to date.
            Assert.Contains("Henvist: 3", mail.Text);
            Assert.Contains("I forløb: 0", mail.Text);
            Assert.Contains("Blevet selvforsørgende: 3", mail.Text);
            Assert.Contains($"Omsætning til dato (faktureret minus krediteret, ekskl. moms): {DanishAmount.Format(51_740m)}", mail.Text);
            Assert.Contains(DanishAmount.Format(51_740m), mail.Html);
        }
        Assert.Contains("Den Sociale Kapitalfond", funds.Single(m => m.To == "impact60.dsk@example.dk").Subject);
        Assert.Contains(DanishAmount.Format(4_000_000m), funds.Single(m => m.To == "impact60.dsk@example.dk").Text); // its deficit guarantee
    }
}
