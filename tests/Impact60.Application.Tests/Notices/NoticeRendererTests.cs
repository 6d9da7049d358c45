using System.Text.RegularExpressions;
using Impact60.Application.Notices;
using Impact60.Domain.Primitives;
using static Impact60.Application.Tests.Notices.NoticeTestData;

namespace Impact60.Application.Tests.Notices;

public class NoticeRendererTests
{
    private static readonly NoticeRenderer Danish = new(new NoticeOptions());
    private static readonly NoticeRenderer English = new(new NoticeOptions { Language = "en" });

    [Fact]
    public void Given_default_options_when_rendering_then_the_notice_is_in_Danish_with_Danish_amounts()
    {
        var mail = Danish.Render(SampleFokusNotice(), Fokus, From);

        Assert.Equal("da", Danish.Language);
        Assert.Equal("IMPACT60 afregning 2021-06: 2 bilag, 1 tilbageholdt periode", mail.Subject);
        Assert.Contains("Udstedte bilag", mail.HtmlBody);
        Assert.Contains("- Faktura 2021-0007: 91.150,00 kr. + moms 22.787,50 kr. = 113.937,50 kr., forfald 2021-07-30", mail.TextBody);
        Assert.Contains("- Kreditnota K2021-0002: 3.980,00 kr. + moms 995,00 kr. = 4.975,00 kr., forfald 2021-07-30", mail.TextBody);
        Assert.Contains("-3.980,00 kr.", mail.TextBody);
        Assert.DoesNotContain("DKK", mail.TextBody);
    }

    [Fact]
    public void Given_English_when_rendering_then_the_notice_is_in_English_with_DKK_amounts()
    {
        var mail = English.Render(SampleFokusNotice(), Fokus, From);

        Assert.Equal("IMPACT60 settlement 2021-06: 2 documents, 1 held period", mail.Subject);
        Assert.Contains("- Invoice 2021-0007: DKK 91,150.00 + VAT DKK 22,787.50 = DKK 113,937.50, due 2021-07-30", mail.TextBody);
        Assert.Contains("- Credit note K2021-0002: DKK 3,980.00", mail.TextBody);
        Assert.Contains("DKK -3,980.00", mail.TextBody);
        Assert.DoesNotContain(" kr.", mail.TextBody);
        Assert.Contains("Documents issued", mail.HtmlBody);
    }

    [Fact]
    public void Given_a_recipient_name_with_markup_when_rendering_then_HTML_escapes_it_and_text_keeps_it_raw()
    {
        var mail = Danish.Render(SampleFokusNotice(), Fokus, From);

        Assert.Contains("Kære FOKUS &lt;b&gt;Folkeoplysning&lt;/b&gt; &amp; Co", mail.HtmlBody);
        Assert.DoesNotContain("<b>Folkeoplysning</b>", mail.HtmlBody);
        Assert.StartsWith("Kære FOKUS <b>Folkeoplysning</b> & Co\n", mail.TextBody.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Given_lines_for_several_FOKUS_references_when_rendering_for_FOKUS_then_lines_are_grouped_per_reference_with_totals()
    {
        var text = Danish.Render(SampleFokusNotice(), Fokus, From).TextBody.ReplaceLineEndings("\n");

        // References in order, each heading followed by its own lines and total.
        var br = text.IndexOf("\nBR-003\n", StringComparison.Ordinal);
        var kf = text.IndexOf("\nKF-017\n", StringComparison.Ordinal);
        Assert.True(br > 0 && kf > br, text);
        var brBlock = text[br..kf];
        Assert.Contains("  - henvisning JC-2019-0007, periode 3 (2020-W30 – 2020-W42), fuldt selvforsørgende: -5 uger, -3.980,00 kr. (bilag K2021-0002)", brBlock);
        Assert.Contains("  I alt for BR-003: -3.980,00 kr.", brBlock);
        Assert.DoesNotContain("JC-2019-0042", brBlock);
        var kfBlock = text[kf..text.IndexOf("Alle linjer i alt", StringComparison.Ordinal)];
        Assert.Contains("  - henvisning JC-2019-0042, periode 1 (2019-W40 – 2020-W11), fuldt selvforsørgende: 100 uger, 79.600,00 kr. (bilag 2021-0007)", kfBlock);
        Assert.Contains("  - henvisning JC-2019-0042, periode 2 (2020-W20 – 2020-W49), delvist selvforsørgende: 30 uger, 11.550,00 kr. (bilag 2021-0007)", kfBlock);
        Assert.Contains("  I alt for KF-017: 91.150,00 kr.", kfBlock);
        Assert.Contains("Alle linjer i alt: 87.170,00 kr. ekskl. moms.", text);

        var html = Danish.Render(SampleFokusNotice(), Fokus, From).HtmlBody;
        Assert.Contains("<h3>KF-017</h3>", html);
        Assert.Contains("<strong>91.150,00 kr.</strong>", html);
    }

    [Theory]
    [InlineData("da", "  - henvisning JC-2019-0050, periode 2 (2020-W20 – 2020-W32), fuldt selvforsørgende: 0 uger, 2.388,00 kr. (heraf loftsregulering 2.388,00 kr.) (bilag 2021-0007)", "heraf loftsregulering 2.388,00 kr.")]
    [InlineData("en", "  - referral JC-2019-0050, period 2 (2020-W20 – 2020-W32), fully self-supporting: 0 weeks, DKK 2,388.00 (of which cap adjustment DKK 2,388.00) (document 2021-0007)", "of which cap adjustment DKK 2,388.00")]
    public void Given_a_line_the_cap_moved_when_rendering_for_FOKUS_then_the_cap_adjustment_explains_an_amount_without_weeks(string language, string textLine, string htmlNote)
    {
        // A revision of earlier weeks released cap room into period 2: no new weeks, 3 weeks' worth of money (rule 8).
        var notice = SampleFokusNotice() with
        {
            Lines = [new FokusNoticeLine("2021-0007", "JC-2019-0050", "KF-020", 2, W("2020-W20"), W("2020-W32"), WeekClass.Full, 0, 2_388m, 2_388m)],
        };
        var renderer = language == "da" ? Danish : English;

        var mail = renderer.Render(notice, Fokus, From);

        Assert.Contains(textLine, mail.TextBody.ReplaceLineEndings("\n"));
        Assert.Contains(htmlNote, mail.HtmlBody);
        // A line the cap did not touch says nothing about it.
        var plain = renderer.Render(SampleFokusNotice(), Fokus, From);
        Assert.DoesNotContain(language == "da" ? "loftsregulering" : "cap adjustment", plain.TextBody + plain.HtmlBody);
    }

    [Fact]
    public void Given_a_held_period_when_rendering_for_FOKUS_then_it_names_the_weeks_with_no_register_row()
    {
        var mail = Danish.Render(SampleFokusNotice(), Fokus, From);

        Assert.Contains("- FS-021, henvisning JC-2019-0099, periode 2: mangler 2021-W10, 2021-W11", mail.TextBody);
        Assert.Contains("<td>FS-021</td><td>JC-2019-0099</td><td>2</td><td>2021-W10, 2021-W11</td>", mail.HtmlBody);
        var english = English.Render(SampleFokusNotice(), Fokus, From);
        Assert.Contains("- FS-021, referral JC-2019-0099, period 2: missing 2021-W10, 2021-W11", english.TextBody);
    }

    [Fact]
    public void Given_a_FOKUS_notice_when_rendering_then_its_attachments_are_carried_unchanged()
    {
        var notice = SampleFokusNotice();
        var mail = Danish.Render(notice, Fokus, From);

        Assert.Same(notice.Attachments, mail.Attachments);
        Assert.Equal(Fokus, mail.To);
        Assert.Equal(From, mail.From);
    }

    [Fact]
    public void Given_a_settlement_with_no_documents_lines_or_held_periods_then_FOKUS_is_told_so_plainly()
    {
        var empty = new FokusNotice(SettlementId, AsOf, [], [], [], []);
        var mail = Danish.Render(empty, Fokus, From);

        Assert.Contains("Denne afregning har ikke udstedt faktura eller kreditnota.", mail.TextBody);
        Assert.Contains("Ingen linjer i denne afregning.", mail.TextBody);
        Assert.Contains("Ingen perioder er tilbageholdt", mail.TextBody);
    }

    [Fact]
    public void Given_a_participant_left_out_of_the_settlement_when_rendering_for_FOKUS_then_both_languages_name_it_with_the_reason_and_say_it_is_settled_once_corrected()
    {
        var notice = SampleFokusNotice() with
        {
            NotSettled = [new NotSettledParticipant("JC-2019-0123", "KF-099", "course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31")],
        };

        var danish = Danish.Render(notice, Fokus, From);
        var english = English.Render(notice, Fokus, From);

        Assert.Contains("\nIKKE AFREGNET DENNE MÅNED\n- JC-2019-0123 (KF-099): beregningen mislykkedes: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31; "
            + "det skyldige beløb afregnes, når data er rettet\n\nVenlig hilsen", danish.TextBody.ReplaceLineEndings("\n"));
        Assert.Contains("<td>JC-2019-0123</td><td>KF-099</td><td>Beregningen mislykkedes: course_end 9999-12-31", danish.HtmlBody);
        Assert.Contains("\nNOT SETTLED THIS MONTH\n- JC-2019-0123 (KF-099): the computation failed: course_end 9999-12-31 is outside the accepted range 1990-01-01 to 2100-12-31; "
            + "what is owed will be settled once the data is corrected\n\nKind regards", english.TextBody.ReplaceLineEndings("\n"));
        Assert.Contains("<h2>Not settled this month</h2>", english.HtmlBody);
    }

    [Fact]
    public void Given_every_participant_settled_when_rendering_for_FOKUS_then_the_notice_has_no_not_settled_section_and_ends_as_before()
    {
        var text = Danish.Render(SampleFokusNotice(), Fokus, From).TextBody.ReplaceLineEndings("\n");

        Assert.DoesNotContain("IKKE AFREGNET", text);
        Assert.EndsWith("- FS-021, henvisning JC-2019-0099, periode 2: mangler 2021-W10, 2021-W11\n\nVenlig hilsen\nIMPACT60", text.TrimEnd('\n'));
    }

    [Fact]
    public void Given_the_same_settlement_when_rendering_for_a_fund_then_it_has_the_aggregates_and_no_person_level_identifier()
    {
        var fokusMail = Danish.Render(SampleFokusNotice(), Fokus, From);
        var fundMail = Danish.Render(SampleFundsNotice(), Fund, From);

        // The identifiers really are in this settlement (FOKUS sees them) ...
        foreach (var id in ReferralIds.Concat(FokusReferences))
            Assert.Contains(id, fokusMail.TextBody);
        // ... and none of them reaches the fund, in any part of its mail.
        foreach (var text in AllText(fundMail))
            foreach (var id in ReferralIds.Concat(FokusReferences))
                Assert.DoesNotContain(id, text);

        var body = fundMail.TextBody;
        Assert.Equal("IMPACT60 status 2021-06 til Den Sociale Kapitalfond", fundMail.Subject);
        Assert.Contains("- Henvist: 120", body);
        Assert.Contains("- I forløb: 14", body);
        Assert.Contains("- Blevet selvforsørgende: 55 (45,8 %)", body);
        Assert.Contains("- Mål: 50 % af loftet på 120 henvisninger = 60", body);
        Assert.Contains("Der mangler 5 selvforsørgende", body);
        Assert.Contains("- Omsætning til dato (faktureret minus krediteret, ekskl. moms): 1.234.567,50 kr.", body);
        Assert.Contains("- Plan til dato: 1.500.000,00 kr.", body);
        Assert.Contains("Omsætningen ligger 265.432,50 kr. under planen.", body);
        Assert.Contains("Eksponeringen på underskudsgarantien er 265.432,50 kr. (manglen i forhold til planen, højst garantibeløbet på 4.000.000,00 kr.).", body);
        Assert.DoesNotContain("kr..", body);
        Assert.Empty(fundMail.Attachments);
    }

    [Fact]
    public void Given_revenue_on_plan_or_no_plan_when_rendering_for_a_fund_then_the_guarantee_statement_says_so()
    {
        var onPlan = English.Render(SampleFundsNotice(plan: 1_000_000m, revenue: 1_000_000m), Fund, From).TextBody;
        Assert.Contains("Revenue is on or above plan, so the deficit guarantee of DKK 4,000,000.00 is not in play.", onPlan);

        var noPlan = English.Render(SampleFundsNotice(plan: null), Fund, From).TextBody;
        Assert.Contains("No revenue plan is given, so the guarantee exposure is not computed. The guarantee is DKK 4,000,000.00.", noPlan);
        Assert.DoesNotContain("Plan to date", noPlan);

        var farBehind = English.Render(SampleFundsNotice(plan: 6_000_000m, revenue: 1_000_000m), Fund, From).TextBody;
        Assert.Contains("Revenue is DKK 5,000,000.00 below plan.", farBehind);
        Assert.Contains("is DKK 4,000,000.00 of DKK 4,000,000.00, that is the whole guarantee.", farBehind);

        var danishNoPlan = Danish.Render(SampleFundsNotice(plan: null), Fund, From).TextBody;
        Assert.Contains("så eksponeringen på underskudsgarantien (på 4.000.000,00 kr.) opgøres ikke.", danishNoPlan);
    }

    [Fact]
    public void Given_counts_of_one_then_subjects_use_the_singular()
    {
        var oneGap = new JobcenterDataGapNotice(SettlementId, AsOf, [new DataGap("JC-2019-0099", [Impact60.Domain.Primitives.IsoWeek.Parse("2021-W10")])]);
        Assert.Equal("IMPACT60 afregning 2021-06: manglende registerdata for 1 henvisning", Danish.Render(oneGap, Jobcenter, From).Subject);
        Assert.Equal("IMPACT60 settlement 2021-06: missing register data for 1 referral", English.Render(oneGap, Jobcenter, From).Subject);
        Assert.Equal("IMPACT60 settlement 2021-06: missing register data for 2 referrals", English.Render(SampleJobcenterNotice(), Jobcenter, From).Subject);
    }

    [Fact]
    public void Given_the_funds_notice_type_then_it_cannot_carry_person_level_data()
    {
        // Only numbers, the as-of date, and two texts that are not about persons: no lists, no other strings.
        var allowedStrings = new[] { nameof(FundsNotice.SettlementId), nameof(FundsNotice.FundName) };
        foreach (var p in typeof(FundsNotice).GetProperties())
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var ok = t == typeof(int) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(NoticeKey)
                     || (t == typeof(string) && allowedStrings.Contains(p.Name));
            Assert.True(ok, $"FundsNotice.{p.Name} of type {p.PropertyType.Name} could carry person-level data.");
        }
    }

    [Fact]
    public void Given_data_gaps_when_rendering_for_the_jobcenter_then_it_lists_referral_ids_and_weeks()
    {
        var mail = Danish.Render(SampleJobcenterNotice(), Jobcenter, From);

        Assert.Equal("IMPACT60 afregning 2021-06: manglende registerdata for 2 henvisninger", mail.Subject);
        Assert.Contains("- henvisning JC-2019-0042: 2021-W02", mail.TextBody);
        Assert.Contains("- henvisning JC-2019-0099: 2021-W10, 2021-W11", mail.TextBody);
        Assert.Contains("I alt 3 uger for 2 henvisninger.", mail.TextBody);
        Assert.Contains("<td>JC-2019-0099</td><td>2021-W10, 2021-W11</td>", mail.HtmlBody);
        // The jobcenter works by referral id; FOKUS's own references are not its business.
        foreach (var r in FokusReferences) Assert.DoesNotContain(r, mail.TextBody);

        var english = English.Render(SampleJobcenterNotice(), Jobcenter, From);
        Assert.Contains("- referral JC-2019-0099: 2021-W10, 2021-W11", english.TextBody);
    }

    [Fact]
    public void Given_every_notice_in_both_languages_then_nothing_CPR_shaped_appears_in_the_output()
    {
        var rendered = new[] { Danish, English }.SelectMany(r => new[]
        {
            r.Render(SampleFokusNotice(), Fokus, From),
            r.Render(SampleFundsNotice(), Fund, From),
            r.Render(SampleJobcenterNotice(), Jobcenter, From),
        });
        foreach (var text in rendered.SelectMany(AllText))
            Assert.DoesNotMatch(CprShaped, text);

        // The check itself would catch one.
        Assert.Matches(CprShaped, "borger 010203-1234");
        Assert.Matches(CprShaped, "0102031234");
    }

    [Fact]
    public void Given_a_fund_name_with_a_line_break_then_the_notice_is_refused()
    {
        // A line break in a name would end up in the Subject header.
        var e = Assert.Throws<ArgumentException>(() =>
            new FundsNotice(SettlementId, AsOf, "Fund\r\nBcc: x@y.example", 1, 0, 0, 0.5m, 120, 0m, null, 0m));
        Assert.Contains("control characters", e.Message);
    }

    [Fact]
    public void Given_a_subject_template_spanning_lines_then_the_subject_is_one_line()
    {
        var files = EmbeddedTemplates("da");
        files["da/subjects.json"] = """{ "fokus": "x", "funds": "y", "jobcenter": "IMPACT60\r\n  {{ settlementId }}\n" }""";
        var renderer = new NoticeRenderer(NoticeTemplates.Load("da", f => files.GetValueOrDefault(f)));

        Assert.Equal("IMPACT60 2021-06", renderer.Render(SampleJobcenterNotice(), Jobcenter, From).Subject);
    }

    [Fact]
    public void Given_an_unknown_language_then_the_renderer_refuses_to_start()
    {
        var e = Assert.Throws<NoticeTemplateException>(() => new NoticeRenderer(new NoticeOptions { Language = "de" }));
        Assert.Contains("'de'", e.Message);
    }

    [Fact]
    public void Given_a_template_that_does_not_parse_then_loading_fails_naming_the_file()
    {
        var files = EmbeddedTemplates("en");
        files["en/funds.txt.liquid"] = "Dear {{ to.name }\n{% if referred %}never closed";

        var e = Assert.Throws<NoticeTemplateException>(() => NoticeTemplates.Load("en", f => files.GetValueOrDefault(f)));
        Assert.Contains("'en/funds.txt.liquid'", e.Message);
        Assert.Contains("does not parse", e.Message);
    }

    [Fact]
    public void Given_a_missing_template_or_subject_then_loading_fails_naming_it()
    {
        var files = EmbeddedTemplates("da");
        files.Remove("da/jobcenter.html.liquid");
        var missing = Assert.Throws<NoticeTemplateException>(() => NoticeTemplates.Load("da", f => files.GetValueOrDefault(f)));
        Assert.Contains("'da/jobcenter.html.liquid' is missing", missing.Message);

        files = EmbeddedTemplates("da");
        files["da/subjects.json"] = """{ "fokus": "x", "funds": "y" }""";
        var noSubject = Assert.Throws<NoticeTemplateException>(() => NoticeTemplates.Load("da", f => files.GetValueOrDefault(f)));
        Assert.Contains("'da/subjects.json' has no subject for \"jobcenter\"", noSubject.Message);
    }

    [Fact]
    public void Given_a_template_using_an_unknown_variable_then_rendering_fails_instead_of_printing_blank()
    {
        var files = EmbeddedTemplates("da");
        files["da/jobcenter.txt.liquid"] = "Kære {{ to.nmae }}";
        var renderer = new NoticeRenderer(NoticeTemplates.Load("da", f => files.GetValueOrDefault(f)));

        var e = Assert.Throws<NoticeTemplateException>(() => renderer.Render(SampleJobcenterNotice(), Jobcenter, From));
        Assert.Contains("'da/jobcenter.txt.liquid' failed to render", e.Message);
        Assert.Contains("nmae", e.Message);
    }

    [Fact]
    public async Task Given_one_renderer_shared_by_many_threads_then_every_render_is_the_same()
    {
        var expected = Danish.Render(SampleFokusNotice(), Fokus, From);
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Danish.Render(SampleFokusNotice(), Fokus, From))));

        Assert.All(results, r =>
        {
            Assert.Equal(expected.HtmlBody, r.HtmlBody);
            Assert.Equal(expected.TextBody, r.TextBody);
        });
    }

    private static Dictionary<string, string> EmbeddedTemplates(string language)
    {
        var assembly = typeof(NoticeRenderer).Assembly;
        const string prefix = "Impact60.Notices.Templates/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix + language, StringComparison.Ordinal))
            .ToDictionary(
                n => n[prefix.Length..].Replace('\\', '/'),
                n => new StreamReader(assembly.GetManifestResourceStream(n)!).ReadToEnd());
    }
}
