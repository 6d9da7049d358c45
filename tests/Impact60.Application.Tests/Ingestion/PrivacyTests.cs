using System.Text.Json;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.RegisterApi;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Register;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Storage.SampleRegister;

namespace Impact60.Application.Tests.Ingestion;

[Collection("Azurite")]
public sealed class PrivacyTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly DateOnly Today = new(2019, 6, 3);
    private readonly WireMockServer _register = WireMockServer.Start();

    public void Dispose() => _register.Stop();

    [Fact]
    public async Task Given_files_inbox_drops_and_an_api_pull_with_good_and_bad_rows_when_ingested_then_no_cpr_is_in_any_table_blob_name_metadata_report_or_log_line()
    {
        await using var host = await StorageTestHost.StartAsync(azurite, _register.Urls[0]);
        var cprs = Enumerable.Range(0, 40).Select(Cpr).ToList();
        var errors = new List<(string, string)>();

        // Files: referrals and weeks, each with a bad row quoting a CPR.
        await host.Ingestion.IngestReferralsFileAsync(
            Csv([ReferralHeader, .. Enumerable.Range(0, 10).Select(i => ReferralLine(i)), $"JC-BAD;{Cpr(10)};not-a-date;2018-10-01;;F-X;KaffeFair"]), $"referrals-{Cpr(11)}.csv", Today);
        await host.Ingestion.IngestWeeksFileAsync(
            Csv([WeeksHeader, .. Enumerable.Range(0, 10).SelectMany(i => new[] { $"{Cpr(i)};2019-W14;", $"{Cpr(i)};2019-W15;130" }), $"{Cpr(12)};2019-W99;"]), "weeks.csv", Today);
        // Inbox: an unreadable file (rejected whole, error report beside it) and a good one.
        var inbox = host.Clients.Container(StorageNames.Containers.RegisterInbox);
        await inbox.GetBlobClient("broken.csv").UploadAsync(Csv("cpr;code", $"{Cpr(13)};130"));
        await inbox.GetBlobClient("late.csv").UploadAsync(Csv(WeeksHeader, $"{Cpr(14)};2019-W16;", $"{Cpr(15)};2031-W01;"));
        var processor = host.Get<InboxProcessor>();
        await processor.ProcessAsync("broken.csv", Today);
        await processor.ProcessAsync("late.csv", Today);
        try
        {
            await host.Ingestion.IngestWeeksFileAsync(Csv($"cpr;{Cpr(16)}", $"{Cpr(16)};1"), "odd-header.csv", Today);
        }
        catch (RegisterFileException e)
        {
            errors.Add(("exception message", e.Message));
        }
        // API: referrals and a page with one bad item, then a page that fails.
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/referrals")).RespondWith(Response.Create().WithBody(JsonSerializer.Serialize(new
        {
            items = new object[]
            {
                new { referralId = "JC-2018-0020", cpr = Cpr(20), referredOn = "2018-09-27", courseStart = "2018-10-01", courseEnd = "", fokusRef = "F-020", business = "KaffeFair" },
                new { referralId = "JC-2018-0021", cpr = Cpr(21), referredOn = "27-09-2018", courseStart = "2018-10-01", courseEnd = "", fokusRef = "F-021", business = "KaffeFair" },
            },
        })));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks")).AtPriority(10).RespondWith(Response.Create().WithBody(
            $$"""{ "items": [ { "cpr": "{{Cpr(20)}}", "week": "2019-W14", "code": "", "changedAt": "2019-05-01T02:00:00Z" }, { "cpr": "{{Cpr(22)}}", "week": "W14", "code": "", "changedAt": "2019-05-01T02:00:00Z" } ], "nextPageToken": "{{Cpr(23)}}" }"""));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks").WithParam("pageToken")).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        try
        {
            await host.Get<RegisterPull>().PullAsync(Today);
        }
        catch (RegisterApiException e)
        {
            errors.Add(("exception message", e.ToString()));
        }

        var findings = await PrivacyScan.FindCprsAsync(host.Clients, cprs, host.LogLines.Concat(errors));

        Assert.Empty(findings);
        // The scan is not vacuous: the input did contain these CPRs, and the evidence archive (exempt) keeps them.
        Assert.Equal(2, errors.Count);
        var evidence = host.Clients.Container(StorageNames.Containers.Evidence);
        var evidenceText = "";
        await foreach (var blob in evidence.GetBlobsAsync())
            evidenceText += (await evidence.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
        Assert.True(PrivacyScan.ContainsAny(evidenceText, [Cpr(12)]));
        Assert.True(PrivacyScan.ContainsAny(evidenceText, [Cpr(22)]));
        Assert.NotEmpty(host.LogLines);
    }
}
