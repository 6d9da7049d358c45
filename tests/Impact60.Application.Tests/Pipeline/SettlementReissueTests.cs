using Impact60.Application.Configuration;
using Impact60.Application.Notices;
using Impact60.Application.Pipeline;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Settlement;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Pipeline;

/// <summary>
/// Re-issuing a settlement's documents (issue #4 README "operate: re-issue a settlement's documents"): a document blob
/// that was lost is written again from the ledger, identical to the one issued; present blobs are left alone; a second
/// run writes nothing; a notice can be sent again on purpose, and only the one asked for.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementReissueTests(AzuriteFixture azurite)
{
    private static readonly string[] None = [];

    private static async Task<PipelineTestHost> IssuedAsync(AzuriteFixture azurite)
    {
        var host = await PipelineTestHost.StartAsync(azurite);
        await RunAsync(host);
        return host;
    }

    private static async Task<byte[]> BlobAsync(PipelineTestHost host, string name) =>
        (await host.Storage.Container(StorageNames.Containers.Documents).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    private static Task DeleteBlobAsync(PipelineTestHost host, string name) =>
        host.Storage.Container(StorageNames.Containers.Documents).GetBlobClient(name).DeleteAsync();

    [Fact]
    public async Task Given_lost_document_blobs_when_the_settlements_are_reissued_then_exactly_those_are_written_again_identical_and_a_second_run_writes_nothing()
    {
        await using var host = await IssuedAsync(azurite);
        var issued = await host.SnapshotAsync();
        var creditXml = await BlobAsync(host, "I60K-000001.xml");
        var invoiceJson = await BlobAsync(host, "I60F-000002.json");
        var julyPdf = await BlobAsync(host, "I60F-000001.pdf");
        await DeleteBlobAsync(host, "I60K-000001.xml");
        await DeleteBlobAsync(host, "I60F-000002.json");
        await DeleteBlobAsync(host, "I60F-000001.pdf");
        var reissue = host.Get<SettlementReissue>();

        var august = await reissue.ReissueAsync("2019-08", None, CancellationToken.None);
        var july = await reissue.ReissueAsync("2019-07", None, CancellationToken.None);
        var again = await reissue.ReissueAsync("2019-08", None, CancellationToken.None);

        Assert.Equal(["I60F-000002.json", "I60K-000001.xml"], august.Blobs.Where(b => b.Rewritten).Select(b => b.Name).Order());
        Assert.Equal(6, august.Blobs.Count);
        Assert.Equal(["I60F-000001.pdf"], july.Blobs.Where(b => b.Rewritten).Select(b => b.Name));
        Assert.Equal(0, again.RewrittenCount);
        Assert.Equal(creditXml, await BlobAsync(host, "I60K-000001.xml"));
        Assert.Equal(invoiceJson, await BlobAsync(host, "I60F-000002.json"));
        Assert.Equal(julyPdf, await BlobAsync(host, "I60F-000001.pdf")); // the PDF that was issued, byte for byte
        // Nothing else moved: ledger, other blobs, e-mails, events; no notice queued.
        Assert.Equal(issued, await host.SnapshotAsync());
        Assert.Empty(august.Resent);
    }

    [Fact]
    public async Task Given_FOKUS_lost_the_July_e_mail_when_July_is_reissued_with_resend_fokus_then_that_notice_alone_is_sent_once_more()
    {
        await using var host = await IssuedAsync(azurite);
        var fokusMail = Path.Combine(host.PickupFolder, "impact60-2019-07-fokus.eml");
        var sentBefore = Mail(fokusMail);
        File.Delete(fokusMail); // collected by the mail system, then lost at FOKUS
        var reissue = host.Get<SettlementReissue>();

        var outcome = await reissue.ReissueAsync("2019-07", ["fokus"], CancellationToken.None);
        var sent = await host.DrainNoticesAsync();
        var rerun = await reissue.ReissueAsync("2019-07", None, CancellationToken.None);

        Assert.Equal([NoticeKey.Fokus("2019-07")], outcome.Resent);
        Assert.Equal([DispatchOutcome.Sent], sent);
        Assert.Equal(sentBefore, Mail(fokusMail)); // the same notice, from the same settlement snapshot
        Assert.Empty(rerun.Resent);
        Assert.Empty(await host.DrainNoticesAsync());
        Assert.Contains(host.Logs, l => l.Message.Contains("notice Fokus queued to be sent again, on the operator's request", StringComparison.Ordinal));
    }

    /// <summary>An e-mail as its reader sees it: recipients, subject, text, attachments (MIME boundaries are random).</summary>
    private static string Mail(string path)
    {
        var m = MimeKit.MimeMessage.Load(path);
        var attachments = m.Attachments.OfType<MimeKit.MimePart>().Select(a =>
        {
            using var content = new MemoryStream();
            a.Content!.DecodeTo(content);
            return $"{a.FileName}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content.ToArray()))}";
        });
        return $"{m.To}|{m.Subject}|{m.TextBody}|{m.HtmlBody}|{string.Join(",", attachments)}";
    }

    [Fact]
    public async Task Given_resend_all_when_August_is_reissued_then_every_recipient_August_had_is_sent_again_once()
    {
        await using var host = await IssuedAsync(azurite);
        foreach (var file in Directory.GetFiles(host.PickupFolder, "impact60-2019-08-*.eml")) File.Delete(file);

        var outcome = await host.Get<SettlementReissue>().ReissueAsync("2019-08", ["all", "fokus"], CancellationToken.None);
        var sent = await host.DrainNoticesAsync();

        Assert.Equal(["Fokus", "Fund:Den Sociale Kapitalfond", "Fund:Det Obelske Familiefond", "Jobcenter"], outcome.Resent.Select(k => k.Recipient));
        Assert.Equal(4, sent.Count(s => s == DispatchOutcome.Sent));
        Assert.Equal(4, Directory.GetFiles(host.PickupFolder, "impact60-2019-08-*.eml").Length);
    }

    [Theory]
    [InlineData("2019-09", "fokus", "settlement 2019-09 is not in the ledger")]
    [InlineData("2019-07", "fund:Nobody", "the contract names no fund 'Nobody'")]
    [InlineData("2019-07", "the mayor", "give fokus, jobcenter, fund:<name> or all")]
    public async Task Given_a_month_or_recipient_the_ledger_does_not_have_when_reissued_then_it_says_so_and_changes_nothing(string month, string resend, string message)
    {
        await using var host = await IssuedAsync(azurite);
        var before = await host.SnapshotAsync();

        var refused = await Assert.ThrowsAsync<ReissueException>(() => host.Get<SettlementReissue>().ReissueAsync(month, [resend], CancellationToken.None));

        Assert.Contains(message, refused.Message);
        Assert.Equal(before, await host.SnapshotAsync());
    }

    [Fact]
    public async Task Given_a_settlement_without_data_gaps_when_the_jobcenter_notice_is_asked_for_then_it_is_refused_naming_the_recipients_it_had()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        // Only C, whose weeks are all reported: no data gap, so no jobcenter notice in July.
        await host.IngestAsync("referrals.csv", Referrals.Split('\n')[0] + "\n" + Referrals.Split('\n')[3] + "\n", new DateOnly(2019, 7, 31));
        await host.IngestAsync("weeks.csv", WeeksFile((3, 2, 27, "")), new DateOnly(2019, 7, 31));
        await host.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<ReissueException>(() => host.Get<SettlementReissue>().ReissueAsync("2019-07", ["jobcenter"], CancellationToken.None));

        Assert.Contains("settlement 2019-07 had no notice for Jobcenter (it had: Fokus, Fund:Den Sociale Kapitalfond, Fund:Det Obelske Familiefond)", refused.Message);
    }
}
