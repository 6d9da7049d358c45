using Impact60.Application.Notices;

namespace Impact60.Application.Tests.Notices;

public class NoticeKeyAndMessageTests
{
    [Fact]
    public void Given_each_recipient_kind_then_the_key_reads_back_and_gives_a_safe_idempotency_key()
    {
        var fund = NoticeKey.Fund("2021-06", "Det Obelske Familiefond");

        Assert.Equal("Fund:Det Obelske Familiefond", fund.Recipient);
        Assert.Equal(fund, NoticeKey.Parse("2021-06", fund.Recipient));
        Assert.Matches("^impact60-2021-06-fund-det-obelske-familiefond-[0-9a-f]{8}$", fund.IdempotencyKey);
        Assert.Equal("impact60-2021-06-fokus", NoticeKey.Fokus("2021-06").IdempotencyKey);
        Assert.Equal("impact60-2021-06-jobcenter", NoticeKey.Jobcenter("2021-06").IdempotencyKey);
        Assert.Equal(NoticeKey.Jobcenter("2021-06"), NoticeKey.Parse("2021-06", "Jobcenter"));
    }

    [Fact]
    public void Given_two_funds_whose_names_slug_alike_then_their_idempotency_keys_differ()
    {
        Assert.NotEqual(
            NoticeKey.Fund("2021-06", "Fond A/S").IdempotencyKey,
            NoticeKey.Fund("2021-06", "Fond A.S").IdempotencyKey);
    }

    [Theory]
    [InlineData("2021/06")]
    [InlineData("")]
    [InlineData("2021 06")]
    public void Given_a_settlement_id_with_unsafe_characters_then_the_key_is_refused(string settlementId)
    {
        Assert.Throws<ArgumentException>(() => NoticeKey.Fokus(settlementId));
    }

    [Fact]
    public void Given_a_notice_message_then_its_JSON_holds_only_the_settlement_and_recipient_and_reads_back()
    {
        var message = NoticeMessage.For(NoticeKey.Fund("2021-06", "Den Sociale Kapitalfond"));

        var json = message.ToJson();

        Assert.Equal("""{"settlementId":"2021-06","recipient":"Fund:Den Sociale Kapitalfond"}""", json);
        Assert.Equal(message, NoticeMessage.FromJson(json));
        Assert.Equal(NoticeKey.Fund("2021-06", "Den Sociale Kapitalfond"), NoticeMessage.FromJson(json).Key);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"settlementId":"2021-06"}""", "needs both")]
    [InlineData("""{"settlementId":"2021-06","recipient":"Fokus","cpr":"x"}""", "not valid JSON")]
    [InlineData("""{"settlementId":"2021-06","recipient":"Bank"}""", "not Fokus, Fund:{name} or Jobcenter")]
    public void Given_a_malformed_notice_message_then_reading_it_says_why(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => NoticeMessage.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    // Amounts as decimal text: InlineData cannot hold decimals, and a double cannot hold 0.005 or 1234567.125's
    // neighbours exactly (0.005 is 0.005000000000000000104… in binary), so a double would test a different number.
    [Theory]
    [InlineData("91150", "91.150,00 kr.", "DKK 91,150.00")]
    [InlineData("1234.5", "1.234,50 kr.", "DKK 1,234.50")]
    [InlineData("-3980", "-3.980,00 kr.", "DKK -3,980.00")]
    [InlineData("0", "0,00 kr.", "DKK 0.00")]
    [InlineData("0.005", "0,01 kr.", "DKK 0.01")]     // the midpoint rounds away from zero, not to even
    [InlineData("-0.005", "-0,01 kr.", "DKK -0.01")]
    [InlineData("0.015", "0,02 kr.", "DKK 0.02")]
    [InlineData("0.025", "0,03 kr.", "DKK 0.03")]     // to even would give 0,02
    [InlineData("0.0049", "0,00 kr.", "DKK 0.00")]
    [InlineData("1234567.125", "1.234.567,13 kr.", "DKK 1,234,567.13")]
    public void Given_an_amount_then_it_is_written_the_Danish_and_the_English_way(string value, string danish, string english)
    {
        var amount = decimal.Parse(value, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(danish, AmountFormat.Danish(amount));
        Assert.Equal(english, AmountFormat.English(amount));
    }

    [Fact]
    public void Given_funds_figures_then_target_share_shortfall_and_exposure_follow_their_definitions()
    {
        // Given 81 referred so far of a referral cap of 120: the target is the contract's, half of the cap (60), not half
        // of those referred so far (41), which is what FOKUS and the contract see too (rule 9)
        var behind = new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 81, 10, 30, 0.5m, 120, 700_000m, 1_000_000m, 4_000_000m);
        Assert.Equal(60, behind.TargetCount);
        Assert.Equal(61, new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 81, 10, 30, 0.5m, 121, 0m, null, 0m).TargetCount); // rounded up to whole citizens
        Assert.Equal(30m / 81m, behind.AchievedShare);
        Assert.Equal(300_000m, behind.ShortfallAgainstPlan);
        Assert.Equal(300_000m, behind.DeficitGuaranteeExposure);

        var ahead = new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 0, 0, 0, 0.5m, 120, 1_200_000m, 1_000_000m, 4_000_000m);
        Assert.Null(ahead.AchievedShare);
        Assert.Equal(0m, ahead.DeficitGuaranteeExposure);

        var farBehind = new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 120, 0, 10, 0.5m, 120, 0m, 9_000_000m, 4_000_000m);
        Assert.Equal(4_000_000m, farBehind.DeficitGuaranteeExposure);

        var noPlan = new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 120, 0, 10, 0.5m, 120, 0m, null, 4_000_000m);
        Assert.Null(noPlan.DeficitGuaranteeExposure);
    }

    [Fact]
    public void Given_inconsistent_funds_figures_then_the_notice_is_refused_naming_the_figure()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new FundsNotice("2021-06", new DateOnly(2021, 6, 30), "F", 10, 11, 0, 0.5m, 120, 0m, null, 0m));
        Assert.Equal("participantsInCourse", e.ParamName);
    }
}
