using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Notices;

/// <summary>A notice ready to send: the same content as HTML and as plain text, plus the attachments.</summary>
public sealed record RenderedEmail(
    Recipient From,
    Recipient To,
    string Subject,
    string HtmlBody,
    string TextBody,
    IReadOnlyList<NoticeAttachment> Attachments);

/// <summary>
/// Renders notices with the language's templates (Danish by default, <c>Notices__Language=en</c> for English).
/// Templates are parsed once per process; a renderer is immutable and safe to share between threads.
/// HTML bodies are HTML-encoded by Fluid; text bodies and subjects are not encoded at all.
/// </summary>
public sealed class NoticeRenderer
{
    private static readonly ConcurrentDictionary<string, TemplateOptions> OptionsByLanguage = new(StringComparer.Ordinal);

    private readonly NoticeTemplateSet _templates;
    private readonly TemplateOptions _options;

    /// <exception cref="NoticeTemplateException">The language is unknown or one of its templates is missing or does not parse.</exception>
    public NoticeRenderer(NoticeOptions options)
        : this(NoticeTemplates.For((options ?? throw new ArgumentNullException(nameof(options))).Language))
    {
    }

    internal NoticeRenderer(NoticeTemplateSet templates)
    {
        _templates = templates;
        _options = OptionsByLanguage.GetOrAdd(templates.Language, CreateTemplateOptions);
    }

    public string Language => _templates.Language;

    public RenderedEmail Render(Notice notice, Recipient to, Recipient from) => notice switch
    {
        FokusNotice n => Render(n, to, from),
        FundsNotice n => Render(n, to, from),
        JobcenterDataGapNotice n => Render(n, to, from),
        _ => throw new ArgumentException($"No template for notice type {notice.GetType().Name}.", nameof(notice)),
    };

    public RenderedEmail Render(FokusNotice notice, Recipient to, Recipient from)
    {
        var model = new FokusView(notice, to);
        return Render(model, to, from, _templates.FokusSubject, _templates.FokusHtml, _templates.FokusText, notice.Attachments);
    }

    public RenderedEmail Render(FundsNotice notice, Recipient to, Recipient from)
    {
        var model = new FundsView(notice, to);
        return Render(model, to, from, _templates.FundsSubject, _templates.FundsHtml, _templates.FundsText, []);
    }

    public RenderedEmail Render(JobcenterDataGapNotice notice, Recipient to, Recipient from)
    {
        var model = new JobcenterView(notice, to);
        return Render(model, to, from, _templates.JobcenterSubject, _templates.JobcenterHtml, _templates.JobcenterText, []);
    }

    private RenderedEmail Render(
        object model, Recipient to, Recipient from,
        NamedTemplate subject, NamedTemplate html, NamedTemplate text,
        IReadOnlyList<NoticeAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        string Run(NamedTemplate t, TextEncoder encoder)
        {
            try
            {
                return t.Template.Render(new TemplateContext(model, _options), encoder);
            }
            catch (Exception e) when (e is FluidException or InvalidOperationException)
            {
                throw new NoticeTemplateException($"Notice template '{t.Name}' failed to render: {e.Message}", e);
            }
        }

        // A subject is one header line: whitespace (including any line break a value might carry) collapses to a space.
        var subjectLine = string.Join(' ', Run(subject, NullEncoder.Default).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return new RenderedEmail(from, to, subjectLine, Run(html, HtmlEncoder.Default), Run(text, NullEncoder.Default), attachments);
    }

    private static TemplateOptions CreateTemplateOptions(string language)
    {
        Func<decimal, string> kroner = language == "en" ? AmountFormat.English : AmountFormat.Danish;
        Func<decimal, string> percent = language == "en"
            ? p => p.ToString("0.#", CultureInfo.InvariantCulture) + "%"
            : p => p.ToString("0.#", CultureInfo.InvariantCulture).Replace('.', ',') + " %";

        var options = new TemplateOptions
        {
            // A misspelt variable or filter in a template fails the render (and so the tests), never prints blank.
            StrictVariables = true,
            StrictFilters = true,
            CultureInfo = CultureInfo.InvariantCulture,
        };
        options.MemberAccessStrategy.IgnoreCasing = true;
        foreach (var type in new[]
                 {
                     typeof(RecipientView), typeof(FokusView), typeof(DocumentView), typeof(ReferenceGroupView), typeof(LineView),
                     typeof(HeldPeriodView), typeof(NotSettledView), typeof(FundsView), typeof(JobcenterView), typeof(GapView),
                 })
        {
            options.MemberAccessStrategy.Register(type);
        }

        options.Filters.AddFilter("kroner", (input, _, _) =>
            input.IsNil()
                ? throw new InvalidOperationException("The kroner filter got no amount (guard optional amounts with {% if %}).")
                : new ValueTask<FluidValue>(new StringValue(kroner(input.ToNumberValue()))));
        // Input is a share 0..1; shown as a percentage with at most one decimal.
        options.Filters.AddFilter("percent", (input, _, _) =>
            input.IsNil()
                ? throw new InvalidOperationException("The percent filter got no value (guard optional shares with {% if %}).")
                : new ValueTask<FluidValue>(new StringValue(percent(Math.Round(input.ToNumberValue() * 100m, 1, MidpointRounding.AwayFromZero)))));
        return options;
    }

    // ---- What the templates see. Dates are ISO 8601 (unambiguous in both languages); amounts go through | kroner.

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Weeks(IEnumerable<IsoWeek> weeks) => string.Join(", ", weeks.Order().Select(w => w.ToString()));
    private static string ClassName(WeekClass c) => c switch
    {
        WeekClass.Full => "full",
        WeekClass.Partial => "partial",
        _ => "none",
    };

    internal sealed class RecipientView(Recipient r)
    {
        public string Name { get; } = r.Name;
        public string Email { get; } = r.Email;
    }

    internal sealed class DocumentView(IssuedDocument d)
    {
        public string Number { get; } = d.Number;
        public bool IsCreditNote { get; } = d.Kind == NoticeDocumentKind.CreditNote;
        public decimal TotalExVat { get; } = d.TotalExVat;
        public decimal Vat { get; } = d.Vat;
        public decimal Payable { get; } = d.Payable;
        public string DueDate { get; } = Iso(d.DueDate);
    }

    internal sealed class LineView(FokusNoticeLine l)
    {
        public string DocumentNumber { get; } = l.DocumentNumber;
        public string ReferralId { get; } = l.ReferralId;
        public int PeriodIndex { get; } = l.PeriodIndex;
        public string FirstWeek { get; } = l.PeriodFirstWeek.ToString();
        public string LastWeek { get; } = l.PeriodLastWeek.ToString();
        public string Class { get; } = ClassName(l.Class);
        public int Weeks { get; } = l.Weeks;
        public decimal Amount { get; } = l.Amount;
        public decimal CapAdjustment { get; } = l.CapAdjustment;
    }

    internal sealed class ReferenceGroupView(string fokusReference, IReadOnlyList<FokusNoticeLine> lines)
    {
        public string FokusReference { get; } = fokusReference;
        public IReadOnlyList<LineView> Lines { get; } = lines
            .OrderBy(l => l.ReferralId, StringComparer.Ordinal).ThenBy(l => l.PeriodIndex).ThenBy(l => l.Class).ThenBy(l => l.DocumentNumber, StringComparer.Ordinal)
            .Select(l => new LineView(l)).ToList();
        public decimal Total { get; } = lines.Sum(l => l.Amount);
    }

    internal sealed class HeldPeriodView(HeldPeriod h)
    {
        public string ReferralId { get; } = h.ReferralId;
        public string FokusReference { get; } = h.FokusReference;
        public int PeriodIndex { get; } = h.PeriodIndex;
        public string MissingWeeks { get; } = Weeks(h.MissingWeeks);
        public int MissingWeekCount { get; } = h.MissingWeeks.Count;
    }

    internal sealed class FokusView(FokusNotice n, Recipient to)
    {
        public RecipientView To { get; } = new(to);
        public string SettlementId { get; } = n.SettlementId;
        public string AsOf { get; } = Iso(n.AsOf);
        public IReadOnlyList<DocumentView> Documents { get; } = n.Documents.OrderBy(d => d.Number, StringComparer.Ordinal).Select(d => new DocumentView(d)).ToList();
        public IReadOnlyList<ReferenceGroupView> Groups { get; } = n.Lines
            .GroupBy(l => l.FokusReference, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReferenceGroupView(g.Key, g.ToList())).ToList();
        public decimal LinesTotal { get; } = n.Lines.Sum(l => l.Amount);
        public IReadOnlyList<HeldPeriodView> HeldPeriods { get; } = n.HeldPeriods
            .OrderBy(h => h.FokusReference, StringComparer.Ordinal).ThenBy(h => h.ReferralId, StringComparer.Ordinal).ThenBy(h => h.PeriodIndex)
            .Select(h => new HeldPeriodView(h)).ToList();
        public IReadOnlyList<string> AttachmentNames { get; } = n.Attachments.Select(a => a.FileName).ToList();
        public IReadOnlyList<NotSettledView> NotSettled { get; } = (n.NotSettled ?? [])
            .OrderBy(x => x.ReferralId, StringComparer.Ordinal).Select(x => new NotSettledView(x)).ToList();
    }

    internal sealed class NotSettledView(NotSettledParticipant p)
    {
        public string ReferralId { get; } = p.ReferralId;
        public string FokusReference { get; } = p.FokusReference;
        public string Reason { get; } = p.Reason;
    }

    internal sealed class FundsView(FundsNotice n, Recipient to)
    {
        public RecipientView To { get; } = new(to);
        public string SettlementId { get; } = n.SettlementId;
        public string AsOf { get; } = Iso(n.AsOf);
        public string FundName { get; } = n.FundName;
        public int Referred { get; } = n.ParticipantsReferred;
        public int InCourse { get; } = n.ParticipantsInCourse;
        public int Achieved { get; } = n.ParticipantsAchievedSelfSufficiency;
        public bool HasAchievedShare { get; } = n.AchievedShare.HasValue;
        public decimal AchievedShare { get; } = n.AchievedShare ?? 0m;
        public decimal TargetShare { get; } = n.TargetShare;
        public int ReferralCap { get; } = n.ReferralCap;
        public int TargetCount { get; } = n.TargetCount;
        public int MissingToTarget { get; } = Math.Max(n.TargetCount - n.ParticipantsAchievedSelfSufficiency, 0);
        public decimal Revenue { get; } = n.RevenueToDateExVat;
        public bool HasPlan { get; } = n.PlanToDateExVat.HasValue;
        public decimal Plan { get; } = n.PlanToDateExVat ?? 0m;
        public decimal Shortfall { get; } = n.ShortfallAgainstPlan ?? 0m;
        public decimal Guarantee { get; } = n.DeficitGuarantee;
        public decimal Exposure { get; } = n.DeficitGuaranteeExposure ?? 0m;
        public bool ExposureCapped { get; } = n.ShortfallAgainstPlan > n.DeficitGuarantee;
    }

    internal sealed class GapView(DataGap g)
    {
        public string ReferralId { get; } = g.ReferralId;
        public string MissingWeeks { get; } = Weeks(g.MissingWeeks);
        public int MissingWeekCount { get; } = g.MissingWeeks.Count;
    }

    internal sealed class JobcenterView(JobcenterDataGapNotice n, Recipient to)
    {
        public RecipientView To { get; } = new(to);
        public string SettlementId { get; } = n.SettlementId;
        public string AsOf { get; } = Iso(n.AsOf);
        public IReadOnlyList<GapView> Gaps { get; } = n.Gaps.OrderBy(g => g.ReferralId, StringComparer.Ordinal).Select(g => new GapView(g)).ToList();
        public int MissingWeekCount { get; } = n.Gaps.Sum(g => g.MissingWeeks.Count);
    }
}
