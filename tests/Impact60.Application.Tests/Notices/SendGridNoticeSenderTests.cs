using System.Text.Json;
using Impact60.Application.Notices;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.RequestBuilders;
using WireMock.Server;
using static Impact60.Application.Tests.Notices.NoticeTestData;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace Impact60.Application.Tests.Notices;

/// <summary>The real SendGrid client against a real HTTP server on loopback (WireMock.Net).</summary>
public sealed class SendGridNoticeSenderTests : IDisposable
{
    private const string ApiKey = "SG.test-key";
    private const string MailSend = "/v3/mail/send";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private SendGridNoticeSender Sender() => new(_http, new SendGridOptions { ApiKey = ApiKey, Host = _server.Url! });

    private void Answer(int status, string? body = null, string? messageId = null, params (string Name, string Value)[] headers)
    {
        _server.ResetMappings();
        var response = WireMockResponse.Create().WithStatusCode(status);
        foreach (var (name, value) in headers) response = response.WithHeader(name, value);
        if (body is not null) response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        if (messageId is not null) response = response.WithHeader("X-Message-Id", messageId);
        _server.Given(Request.Create().WithPath(MailSend).UsingPost()).RespondWith(response);
    }

    private int MailSendRequests => _server.LogEntries.Count(e => e.RequestMessage.Path == MailSend);

    [Fact]
    public async Task Given_a_FOKUS_notice_when_sent_then_SendGrid_gets_recipients_both_bodies_attachments_and_the_idempotency_key()
    {
        Answer(202, messageId: "sg-0001");
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleFokusNotice(), Fokus, From);

        var id = await Sender().SendAsync(email, "impact60-2021-06-fokus", CancellationToken.None);

        Assert.Equal("sg-0001", id);
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal($"Bearer {ApiKey}", request.Headers!["Authorization"].Single());

        using var json = JsonDocument.Parse(request.Body!);
        var root = json.RootElement;
        var to = root.GetProperty("personalizations")[0].GetProperty("to")[0];
        Assert.Equal("okonomi@fokus.example", to.GetProperty("email").GetString());
        Assert.Equal("FOKUS <b>Folkeoplysning</b> & Co", to.GetProperty("name").GetString());
        Assert.Equal("impact60@aalborg.example", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("IMPACT60", root.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal(email.Subject, root.GetProperty("subject").GetString());

        var content = root.GetProperty("content").EnumerateArray()
            .ToDictionary(c => c.GetProperty("type").GetString()!, c => c.GetProperty("value").GetString());
        Assert.Equal(email.TextBody, content["text/plain"]);
        Assert.Equal(email.HtmlBody, content["text/html"]);

        var attachments = root.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["faktura-2021-0007.pdf", "faktura-2021-0007.xml", "kreditnota-K2021-0002.pdf"],
            attachments.Select(a => a.GetProperty("filename").GetString()));
        Assert.Equal(["application/pdf", "application/xml", "application/pdf"], attachments.Select(a => a.GetProperty("type").GetString()));
        Assert.Equal(InvoicePdf, Convert.FromBase64String(attachments[0].GetProperty("content").GetString()!));
        Assert.Equal(InvoiceXml, Convert.FromBase64String(attachments[1].GetProperty("content").GetString()!));
        Assert.Equal(CreditPdf, Convert.FromBase64String(attachments[2].GetProperty("content").GetString()!));

        Assert.Equal("impact60-2021-06-fokus", root.GetProperty("custom_args").GetProperty(SendGridNoticeSender.IdempotencyArg).GetString());
        Assert.Equal("impact60-2021-06-fokus", root.GetProperty("headers").GetProperty(SendGridNoticeSender.IdempotencyHeader).GetString());
        Assert.DoesNotMatch(CprShaped, request.Body!);
    }

    [Fact]
    public async Task Given_SendGrid_rate_limits_then_succeeds_when_dispatching_then_only_the_success_is_marked_and_a_repeat_sends_nothing()
    {
        var ledger = new InMemoryNoticeLedger();
        var content = new PreparedNoticeContent(new NoticeContent(SampleFokusNotice(), Fokus));
        var dispatcher = new NoticeDispatcher(content, ledger, Sender(), new NoticeRenderer(new NoticeOptions()), From,
            NullLogger<NoticeDispatcher>.Instance);
        var message = NoticeMessage.FromJson(NoticeMessage.For(NoticeKey.Fokus(SettlementId)).ToJson());

        // First delivery of the queue message: 429. The dispatcher does not retry; the queue will.
        Answer(429, """{"errors":[{"message":"too many requests"}]}""");
        var transient = await Assert.ThrowsAsync<TransientNoticeException>(() => dispatcher.DispatchAsync(message, CancellationToken.None));
        Assert.Contains("429", transient.Message);
        Assert.Equal(1, MailSendRequests); // SendGrid's own retry is off
        Assert.Empty(ledger.Sent);

        // The queue redelivers: 202.
        Answer(202, messageId: "sg-0002");
        Assert.Equal(DispatchOutcome.Sent, await dispatcher.DispatchAsync(message, CancellationToken.None));
        Assert.Equal(2, MailSendRequests);
        Assert.Equal("sg-0002", ledger.Sent[NoticeKey.Fokus(SettlementId)]);

        // A duplicate message for the same settlement and recipient: nothing goes out.
        Assert.Equal(DispatchOutcome.AlreadySent, await dispatcher.DispatchAsync(message, CancellationToken.None));
        Assert.Equal(2, MailSendRequests);
        Assert.Equal(2, content.Loads);
    }

    [Fact]
    public async Task Given_SendGrid_rate_limits_with_Retry_After_when_sending_then_the_transient_failure_carries_the_wait_and_says_it()
    {
        Answer(429, """{"errors":[{"message":"too many requests"}]}""", headers: ("Retry-After", "45"));
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleJobcenterNotice(), Jobcenter, From);

        var e = await Assert.ThrowsAsync<TransientNoticeException>(() => Sender().SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(45), e.RetryAfter);
        Assert.Contains("HTTP 429", e.Message);
        Assert.Contains("retry after 45 s (Retry-After)", e.Message);
        Assert.Equal(1, MailSendRequests); // not slept on and retried here: the queue's visibility timeout is the wait
    }

    [Fact]
    public void Given_Retry_After_as_an_HTTP_date_then_the_wait_is_counted_from_the_responses_own_Date()
    {
        // The HTTP server stamps its own Date, so this one is built by hand: SendGrid's clock, not ours, sets the wait.
        using var message = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        message.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(new DateTimeOffset(2021, 6, 30, 10, 2, 0, TimeSpan.Zero));
        message.Headers.Date = new DateTimeOffset(2021, 6, 30, 10, 0, 30, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(90), SendGridNoticeSender.RetryAfter(new SendGrid.Response(message.StatusCode, null, message.Headers)));

        message.Headers.Date = new DateTimeOffset(2021, 6, 30, 10, 5, 0, TimeSpan.Zero); // already past: no wait, never negative
        Assert.Equal(TimeSpan.Zero, SendGridNoticeSender.RetryAfter(new SendGrid.Response(message.StatusCode, null, message.Headers)));
    }

    [Fact]
    public async Task Given_a_429_without_Retry_After_when_sending_then_no_wait_is_claimed()
    {
        Answer(429, """{"errors":[{"message":"too many requests"}]}""");
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleJobcenterNotice(), Jobcenter, From);

        var e = await Assert.ThrowsAsync<TransientNoticeException>(() => Sender().SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None));

        Assert.Null(e.RetryAfter);
        Assert.DoesNotContain("Retry-After", e.Message);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Given_SendGrid_fails_on_its_side_when_sending_then_the_failure_is_transient(int status)
    {
        Answer(status, """{"errors":[{"message":"internal error"}]}""");
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleJobcenterNotice(), Jobcenter, From);

        var e = await Assert.ThrowsAsync<TransientNoticeException>(() => Sender().SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None));
        Assert.Contains($"HTTP {status}", e.Message);
        Assert.Equal(1, MailSendRequests);
    }

    [Fact]
    public async Task Given_SendGrid_rejects_the_request_when_sending_then_it_is_permanent_with_SendGrids_error_and_no_body_echo()
    {
        Answer(400, """{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}""");
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleFokusNotice(), Fokus, From);

        var e = await Assert.ThrowsAsync<NoticeRejectedException>(() => Sender().SendAsync(email, "impact60-2021-06-fokus", CancellationToken.None));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("from: The from address does not match a verified Sender Identity.", e.ProviderError);
        Assert.DoesNotContain("JC-2019", e.Message);
        Assert.DoesNotContain("okonomi@fokus.example", e.Message);
    }

    [Fact]
    public async Task Given_SendGrid_is_unreachable_when_sending_then_the_failure_is_transient()
    {
        var url = _server.Url!;
        _server.Stop();
        var sender = new SendGridNoticeSender(_http, new SendGridOptions { ApiKey = ApiKey, Host = url });
        var email = new NoticeRenderer(new NoticeOptions()).Render(SampleJobcenterNotice(), Jobcenter, From);

        await Assert.ThrowsAsync<TransientNoticeException>(() => sender.SendAsync(email, "impact60-2021-06-jobcenter", CancellationToken.None));
    }
}
