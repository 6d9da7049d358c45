using System.Text;
using Impact60.Application.RegisterApi;
using Impact60.Application.Tests.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.RegisterApi;

/// <summary>
/// The page parser on its own, with the inputs the fuzz harness found (docs/fuzzing.md): whatever a page holds, it ends as
/// taken items and rejected items, or as the page refused whole (<see cref="RegisterApiException"/>), never another
/// exception.
/// </summary>
public sealed class RegisterApiPagesTests
{
    private static readonly Pseudonymizer Key = Pseudonymizer.FromBase64(StorageTestHost.TestKey, "test");
    private static readonly IsoWeek Latest = IsoWeek.Parse("2019-W31");
    private static readonly DateTimeOffset PullTime = new(2019, 8, 1, 1, 0, 0, TimeSpan.Zero);
    private const string Cpr = "010190-1234";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// JSON strings that are not text: bytes that are not UTF-8 (0xE3 starts a three-byte character that never comes), and
    /// an escaped lone surrogate (<c>\ud800</c>, half a UTF-16 pair). The JSON parser accepts both; reading the string throws.
    /// </summary>
    public static TheoryData<string, byte[]> NotText => new()
    {
        { "an unknown key not UTF-8", [.. "{\"items\":[{\""u8, 0xE3, .. "\":\"\"}]}"u8] },
        { "a value not UTF-8", [.. "{\"items\":[{\"\":\""u8, 0xE3, .. "\"}]}"u8] },
        { "a key with a lone surrogate", Utf8("{\"items\":[{\"\\ud800\":\"\"}]}") },
        { "a value with a lone surrogate", Utf8("{\"items\":[{\"\":\"\\ud800\"}]}") },
        { "the week a lone surrogate", Utf8($$"""{"items":[{"cpr":"{{Cpr}}","week":"\ud800","code":"","changedAt":"2019-07-30T02:00:00Z"}]}""") },
        { "changedAt a low surrogate alone", Utf8($$"""{"items":[{"cpr":"{{Cpr}}","week":"2019-W25","code":"","changedAt":"\udc00"}]}""") },
        { "the cpr not UTF-8", [.. "{\"items\":[{\"cpr\":\"0101"u8, 0xFF, .. "\",\"week\":\"2019-W25\",\"code\":\"\",\"changedAt\":\"2019-07-30T02:00:00Z\"}]}"u8] },
        { "the code two high surrogates", Utf8($$"""{"items":[{"cpr":"{{Cpr}}","week":"2019-W25","code":"\ud800\ud800","changedAt":"2019-07-30T02:00:00Z"}]}""") },
    };

    [Theory]
    [MemberData(nameof(NotText))]
    public void Given_a_weeks_item_with_a_string_that_is_not_text_when_parsed_then_that_item_is_rejected_and_nothing_else_is_thrown(string what, byte[] json)
    {
        var rejections = new List<Rejection>();

        var page = RegisterApiPages.ParseWeeks(json, "api:weeks page 1", Key, Latest, PullTime, rejections);

        var rejection = Assert.Single(rejections);
        Assert.Equal((0, 1, 1), (page.Weeks.Count, page.Items, page.Rejected));
        Assert.Equal(1, rejection.Line);
        Assert.True(rejection.Reason.Contains("not valid text", StringComparison.Ordinal), $"{what}: {rejection.Reason}");
        Assert.DoesNotContain("0101", rejection.MaskedRawLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_referrals_item_with_a_string_that_is_not_text_among_good_ones_when_parsed_then_only_it_is_rejected()
    {
        var good = $$"""{"referralId":"JC-1","cpr":"{{Cpr}}","referredOn":"2019-06-03","courseStart":"2019-06-10","courseEnd":null,"fokusRef":"F-1","business":"Api ApS"}""";
        byte[] json = [.. Utf8("{\"items\":[" + good + ",{\"referralId\":\"JC-2\",\"cpr\":\"010190-1235\",\"referredOn\":\"2019-06-03\",\"courseStart\":\"2019-06-10\",\"courseEnd\":null,\"fokusRef\":\"F-2\",\"business\":\"Api"), 0xE3, .. Utf8(" ApS\"}]}")];

        var rejections = new List<Rejection>();

        var page = RegisterApiPages.ParseReferrals(json, "api:referrals", Key, null, rejections);

        Assert.Equal("JC-1", Assert.Single(page.Referrals).ReferralId);
        var rejection = Assert.Single(rejections);
        Assert.Equal(2, rejection.Line);
        // The item is still shown, its bad bytes as U+FFFD and its cpr masked.
        Assert.Contains("\"business\":\"Api\uFFFD ApS\"", rejection.MaskedRawLine, StringComparison.Ordinal);
        Assert.Contains("\"cpr\":\"XXXXXX-XXXX\"", rejection.MaskedRawLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"items\":[],\"\\ud800\":1}")]
    [InlineData("{\"items\":[],\"nextPageToken\":\"\\ud800\"}")]
    public void Given_a_page_whose_own_keys_or_page_token_are_not_text_when_parsed_then_the_page_is_refused_whole(string json)
    {
        var refused = Assert.Throws<RegisterApiException>(() => RegisterApiPages.ParseWeeks(Utf8(json), "api:weeks page 1", Key, Latest, PullTime, new List<Rejection>()));

        Assert.Contains("not valid text", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// docs/fuzzing.md, F9: the rejections of a page go to the sink as they are made; the page keeps none. With the
    /// ingestion's <see cref="RejectionLog"/> a page of a million bad items costs its count and a few examples.
    /// </summary>
    [Fact]
    public void Given_a_page_of_many_bad_items_when_parsed_into_a_rejection_log_then_each_is_counted_and_only_the_examples_are_kept()
    {
        var json = Utf8("{\"items\":[" + string.Join(',', Enumerable.Repeat("1", 10_000)) + "]}");
        var log = new RejectionLog(exampleLimit: 3);

        var page = RegisterApiPages.ParseWeeks(json, "api:weeks page 1", Key, Latest, PullTime, log);

        Assert.Equal((10_000, 10_000), (page.Items, page.Rejected));
        Assert.Equal(10_000, log.Total);
        Assert.Equal([1, 2, 3], log.Examples.Select(r => r.Line));
        Assert.Equal("item 1: item is not a JSON object", log.Examples[0].Reason);
    }
}
