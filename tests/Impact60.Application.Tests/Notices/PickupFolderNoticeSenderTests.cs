using Impact60.Application.Notices;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using static Impact60.Application.Tests.Notices.NoticeTestData;

namespace Impact60.Application.Tests.Notices;

public sealed class PickupFolderNoticeSenderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "impact60-pickup-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2021, 7, 1, 6, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Given_a_FOKUS_notice_when_written_then_one_eml_parses_back_with_subject_both_bodies_and_attachments()
    {
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleFokusNotice(), Fokus, From);
        var sender = new PickupFolderNoticeSender(_folder, _clock);

        var id = await sender.SendAsync(email, "impact60-2021-06-fokus", CancellationToken.None);

        Assert.Equal("impact60-2021-06-fokus.eml", id);
        var file = Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal(Path.Combine(_folder, "impact60-2021-06-fokus.eml"), file);

        var parsed = await MimeMessage.LoadAsync(file);
        Assert.Equal(email.Subject, parsed.Subject);
        Assert.Equal("okonomi@fokus.example", parsed.To.Mailboxes.Single().Address);
        Assert.Equal("FOKUS <b>Folkeoplysning</b> & Co", parsed.To.Mailboxes.Single().Name);
        Assert.Equal("impact60@aalborg.example", parsed.From.Mailboxes.Single().Address);
        Assert.Equal(_clock.GetUtcNow(), parsed.Date);
        Assert.Equal("impact60-2021-06-fokus@impact60.notices", parsed.MessageId);
        Assert.Equal("impact60-2021-06-fokus", parsed.Headers["X-Impact60-Notice"]);

        // multipart/mixed: first multipart/alternative (text, then html), then the attachments.
        var mixed = Assert.IsType<Multipart>(parsed.Body);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        var alternative = Assert.IsType<MultipartAlternative>(mixed[0]);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal(email.TextBody.ReplaceLineEndings("\n"), parsed.TextBody!.ReplaceLineEndings("\n"));
        Assert.Equal(email.HtmlBody.ReplaceLineEndings("\n"), parsed.HtmlBody!.ReplaceLineEndings("\n"));

        var attachments = parsed.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["faktura-2021-0007.pdf", "faktura-2021-0007.xml", "kreditnota-K2021-0002.pdf"], attachments.Select(a => a.FileName));
        Assert.Equal(["application/pdf", "application/xml", "application/pdf"], attachments.Select(a => a.ContentType.MimeType));
        Assert.Equal(InvoicePdf, Decoded(attachments[0]));
        Assert.Equal(InvoiceXml, Decoded(attachments[1]));
        Assert.Equal(CreditPdf, Decoded(attachments[2]));
        Assert.DoesNotMatch(CprShaped, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Given_the_same_key_sent_twice_then_there_is_still_one_file_and_it_is_not_rewritten()
    {
        var renderer = new NoticeRenderer(new NoticeOptions());
        var sender = new PickupFolderNoticeSender(_folder, _clock);
        await sender.SendAsync(renderer.Render(SampleJobcenterNotice(), Jobcenter, From), "impact60-2021-06-jobcenter", CancellationToken.None);
        var path = Path.Combine(_folder, "impact60-2021-06-jobcenter.eml");
        var first = await File.ReadAllBytesAsync(path);

        _clock.Advance(TimeSpan.FromHours(1)); // a retry later would stamp a different Date if it rewrote
        var id = await sender.SendAsync(renderer.Render(SampleJobcenterNotice(), Jobcenter, From), "impact60-2021-06-jobcenter", CancellationToken.None);

        Assert.Equal("impact60-2021-06-jobcenter.eml", id);
        Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal(first, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Given_many_concurrent_sends_with_one_key_then_exactly_one_complete_file_remains()
    {
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleFokusNotice(), Fokus, From);
        var sender = new PickupFolderNoticeSender(_folder, _clock);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => sender.SendAsync(email, "impact60-2021-06-fokus", CancellationToken.None))));

        var file = Assert.Single(Directory.GetFiles(_folder)); // no temporary files left behind
        Assert.Equal(email.Subject, (await MimeMessage.LoadAsync(file)).Subject);
    }

    [Theory]
    [InlineData("impact60-2021-06-fund-den-sociale-kapitalfond-1a2b3c4d", "impact60-2021-06-fund-den-sociale-kapitalfond-1a2b3c4d.eml")]
    [InlineData("../../etc/passwd", "_.._etc_passwd.eml")]
    [InlineData("a b/c\\d:e", "a_b_c_d_e.eml")]
    public void Given_an_idempotency_key_then_the_file_name_has_safe_characters_only(string key, string expected)
    {
        Assert.Equal(expected, PickupFolderNoticeSender.FileNameFor(key));
    }

    private static byte[] Decoded(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }
}
