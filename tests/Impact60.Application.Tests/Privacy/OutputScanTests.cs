using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Impact60.Application.Tests.Privacy;

/// <summary>The scanner of the privacy property finds what it is meant to find, and leaves Impact60's own ids alone.</summary>
public sealed class OutputScanTests
{
    private static readonly TestCpr Cpr = new(1, 1, 97, 9911);

    private static OutputScan Scan() => new([(Cpr.Digits, "digits"), (Cpr.Dashed, "dashed"), (Cpr.Spell(Spelling.EnDash), "en dash")]);

    [Theory]
    [InlineData("plain text 010197-9911")]
    [InlineData("digits 0101979911 in a sentence")]
    [InlineData("{\"code\":\"JC010197\\u20139911\"}")] // JSON escape of the en dash
    [InlineData("<cbc:Note>010197&#8211;9911</cbc:Note>")] // XML character reference
    [InlineData("https://x/register-inbox/weeks-010197%E2%80%939911.csv")] // percent-escaped
    [InlineData("01.01.97 9911")] // a spelling nobody injected: the CPR-like check
    [InlineData("cpr 01 01 97 - 9911 x")]
    public void Given_a_cpr_written_or_encoded_in_a_text_then_it_is_found(string text)
    {
        var scan = Scan();
        scan.Check("text", text);
        Assert.NotEmpty(scan.Findings);
    }

    [Theory]
    [InlineData("2026/12/04/70afa31d749f5369-api-weeks-rejections.csv", false)]
    [InlineData("person 3f0101979912aa6c1b2e5d8f0c3a7b9e1d4f6a8c0b2e4d6f8a0c2e4b6d8f0a1c", true)] // a pseudonym that happens to hold 010197 9912
    [InlineData("message 1b2c3d4e-ab12-0197-9911-456789abcdef", true)] // a GUID holding 12-0197-9911
    [InlineData("invoice I60F-000001 of 01.08.2019, 31.044,00 kr., EAN 5798000123458, CVR 29189420, account 1234 0012345678", false)]
    public void Given_impact60s_own_identifiers_and_document_values_then_nothing_is_found(string text, bool looksLikeCpr)
    {
        var scan = Scan();
        scan.Check("text", text);
        Assert.Empty(scan.Findings);
        // Where the rule alone would see a CPR, it is the exemption of hex ids and GUIDs that keeps the check usable.
        Assert.Equal(looksLikeCpr, Impact60.Domain.Primitives.Cpr.ContainsCprLike(text));
    }

    [Fact]
    public void Given_an_email_with_a_cpr_in_a_quoted_printable_body_or_a_base64_attachment_then_it_is_found_in_each()
    {
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress("IMPACT60", "impact60@example.dk"));
        mail.To.Add(new MailboxAddress("Jobcenter", "jc@example.dk"));
        mail.Subject = "Afregning";
        var body = new TextPart(TextFormat.Plain) { Text = "Borger 010197\u20139911 mangler data — æøå", ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var attachment = new MimePart("application", "xml")
        {
            Content = new MimeContent(new MemoryStream(Encoding.UTF8.GetBytes("<Invoice><Note>0101979911</Note></Invoice>"))),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "I60F-000001.xml",
        };
        mail.Body = new Multipart("mixed") { body, attachment };
        using var bytes = new MemoryStream();
        mail.WriteTo(bytes);
        Assert.DoesNotContain("0101979911", Encoding.UTF8.GetString(bytes.ToArray()), StringComparison.Ordinal); // encoded away

        var scan = Scan();
        scan.CheckBytes("mail", "notice.eml", bytes.ToArray());

        Assert.Equal(1, scan.Emails);
        Assert.Contains(scan.Findings, f => f.Contains("part text/plain", StringComparison.Ordinal));
        Assert.Contains(scan.Findings, f => f.Contains("attachment I60F-000001.xml", StringComparison.Ordinal));
    }
}
