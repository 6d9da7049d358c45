using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Impact60.Domain.Primitives;
using Impact60.Domain.Rules;

namespace Impact60.Application.Notices;

/// <summary>Who a notice is for. The funds are told apart by name (one notice per fund).</summary>
public enum RecipientKind
{
    Fokus,
    Fund,
    Jobcenter,
}

/// <summary>An e-mail party: display name and address. Organisations only (FOKUS, the funds, the jobcenter).</summary>
public sealed record Recipient
{
    public Recipient(string Name, string Email)
    {
        if (string.IsNullOrWhiteSpace(Email) || !Email.Contains('@') || Email.Any(char.IsWhiteSpace))
            throw new ArgumentException($"'{Email}' is not an e-mail address.", nameof(Email));
        this.Name = Name?.Trim() ?? "";
        this.Email = Email.Trim();
    }

    public string Name { get; }
    public string Email { get; }
}

/// <summary>
/// What "sent once" is counted by: one notice per (settlement, recipient). <see cref="Recipient"/> is the
/// readable form (<c>Fokus</c>, <c>Fund:{name}</c>, <c>Jobcenter</c>); <see cref="IdempotencyKey"/> is the form
/// that goes to SendGrid, into file names and (if the ledger wants) into Table keys: safe characters only,
/// no personal data (settlement ids and organisation names are all it is made of).
/// </summary>
public sealed record NoticeKey
{
    private NoticeKey(string settlementId, RecipientKind kind, string? fundName)
    {
        if (string.IsNullOrWhiteSpace(settlementId) || !settlementId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"Settlement id '{settlementId}' must be letters, digits, '-' or '_' (e.g. 2021-06).", nameof(settlementId));
        if (kind == RecipientKind.Fund && string.IsNullOrWhiteSpace(fundName))
            throw new ArgumentException("A fund notice needs the fund's name.", nameof(fundName));
        if (fundName is not null && fundName.Any(char.IsControl))
            throw new ArgumentException("A fund's name cannot contain line breaks or other control characters.", nameof(fundName));
        if (kind != RecipientKind.Fund && fundName is not null)
            throw new ArgumentException("Only a fund notice carries a fund name.", nameof(fundName));
        SettlementId = settlementId;
        Kind = kind;
        FundName = fundName?.Trim();
    }

    public string SettlementId { get; }
    public RecipientKind Kind { get; }
    public string? FundName { get; }

    public static NoticeKey Fokus(string settlementId) => new(settlementId, RecipientKind.Fokus, null);
    public static NoticeKey Fund(string settlementId, string fundName) => new(settlementId, RecipientKind.Fund, fundName);
    public static NoticeKey Jobcenter(string settlementId) => new(settlementId, RecipientKind.Jobcenter, null);

    /// <summary><c>Fokus</c>, <c>Fund:{name}</c> or <c>Jobcenter</c>.</summary>
    public string Recipient => Kind switch
    {
        RecipientKind.Fokus => "Fokus",
        RecipientKind.Fund => "Fund:" + FundName,
        _ => "Jobcenter",
    };

    /// <summary>Reads the <see cref="Recipient"/> form back.</summary>
    public static NoticeKey Parse(string settlementId, string recipient) => recipient switch
    {
        "Fokus" => Fokus(settlementId),
        "Jobcenter" => Jobcenter(settlementId),
        _ when recipient.StartsWith("Fund:", StringComparison.Ordinal) => Fund(settlementId, recipient["Fund:".Length..]),
        _ => throw new FormatException($"Notice recipient '{recipient}' is not Fokus, Fund:{{name}} or Jobcenter."),
    };

    /// <summary>
    /// <c>impact60-{settlement}-fokus</c>, <c>impact60-{settlement}-jobcenter</c> or
    /// <c>impact60-{settlement}-fund-{slug}-{hash}</c>; the hash of the exact fund name keeps two funds whose
    /// names slug alike apart.
    /// </summary>
    public string IdempotencyKey => Kind switch
    {
        RecipientKind.Fokus => $"impact60-{SettlementId}-fokus",
        RecipientKind.Jobcenter => $"impact60-{SettlementId}-jobcenter",
        _ => $"impact60-{SettlementId}-fund-{Slug(FundName!)}-{ShortHash(FundName!)}",
    };

    public override string ToString() => $"{SettlementId}/{Recipient}";

    private static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormKD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (c is 'æ') sb.Append("ae");
            else if (c is 'ø') sb.Append("oe");
            else if (c is 'å') sb.Append("aa");
            else if (sb.Length > 0 && sb[^1] != '-' && !char.IsAsciiLetterOrDigit(c) && (char.IsWhiteSpace(c) || char.IsPunctuation(c))) sb.Append('-');
            if (sb.Length >= 40) break;
        }
        return sb.ToString().Trim('-') is { Length: > 0 } s ? s : "fund";
    }

    private static string ShortHash(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
}

/// <summary>One file attached to a notice: the PDF or the e-invoice XML of a document.</summary>
public sealed record NoticeAttachment
{
    public NoticeAttachment(string FileName, string ContentType, byte[] Content)
    {
        if (string.IsNullOrWhiteSpace(FileName) || FileName.IndexOfAny(['/', '\\', '\r', '\n', '"']) >= 0)
            throw new ArgumentException($"Attachment file name '{FileName}' must be a plain file name.", nameof(FileName));
        if (string.IsNullOrWhiteSpace(ContentType) || !ContentType.Contains('/'))
            throw new ArgumentException($"Attachment '{FileName}' has no valid content type ('{ContentType}').", nameof(ContentType));
        this.FileName = FileName;
        this.ContentType = ContentType;
        this.Content = Content ?? throw new ArgumentNullException(nameof(Content));
    }

    public string FileName { get; }
    public string ContentType { get; }
    public byte[] Content { get; }
}

/// <summary>A notice about one settlement to one recipient.</summary>
public abstract record Notice
{
    public abstract NoticeKey Key { get; }
}

public enum NoticeDocumentKind
{
    Invoice,
    CreditNote,
}

/// <summary>An invoice or credit note the settlement issued. Amounts are positive; the kind says which way.</summary>
public sealed record IssuedDocument(
    string Number,
    NoticeDocumentKind Kind,
    decimal TotalExVat,
    decimal Vat,
    decimal Payable,
    DateOnly DueDate);

/// <summary>
/// One line of the settlement as FOKUS sees it: a participant's verification period and week class.
/// <see cref="Amount"/> is signed: negative on a credit note. <see cref="CapAdjustment"/> is the part of it that the
/// per-participant cap made (rule 8), signed the same way: negative where the cap withholds, positive where a revision
/// released cap room (then a line can have 0 weeks and still an amount).
/// </summary>
public sealed record FokusNoticeLine(
    string DocumentNumber,
    string ReferralId,
    string FokusReference,
    int PeriodIndex,
    IsoWeek PeriodFirstWeek,
    IsoWeek PeriodLastWeek,
    WeekClass Class,
    int Weeks,
    decimal Amount,
    decimal CapAdjustment = 0m);

/// <summary>A verification period held because these final weeks have no register row (DOMAIN.md rule 6).</summary>
public sealed record HeldPeriod(
    string ReferralId,
    string FokusReference,
    int PeriodIndex,
    IReadOnlyList<IsoWeek> MissingWeeks);

/// <summary>
/// A participant left out of the settlement because the entitlement could not be computed from the register's data:
/// nothing was invoiced or credited for them this month; what is owed is settled once the data is corrected.
/// <see cref="Reason"/> is short and CPR-masked.
/// </summary>
public sealed record NotSettledParticipant(string ReferralId, string FokusReference, string Reason);

/// <summary>
/// To FOKUS: what was issued, line by line per FOKUS reference, what is held and why, who was not settled this month
/// and why, with the documents attached.
/// </summary>
public sealed record FokusNotice(
    string SettlementId,
    DateOnly AsOf,
    IReadOnlyList<IssuedDocument> Documents,
    IReadOnlyList<FokusNoticeLine> Lines,
    IReadOnlyList<HeldPeriod> HeldPeriods,
    IReadOnlyList<NoticeAttachment> Attachments,
    IReadOnlyList<NotSettledParticipant>? NotSettled = null) : Notice
{
    public override NoticeKey Key => NoticeKey.Fokus(SettlementId);
}

/// <summary>
/// To one fund: programme aggregates ONLY. This type has no collection and no text other than the settlement id
/// and the fund's own name, so no referral id, FOKUS reference or other person-level value can be put in it
/// (a test checks the shape).
/// <para>
/// Target: the contract's <see cref="TargetShare"/> of its <see cref="ReferralCap"/>, rounded up to whole citizens
/// (rule 9, <see cref="ProgrammeTarget"/>: "60 of 120"), the same target FOKUS and the contract see, never a share of the
/// citizens referred so far.
/// </para>
/// <para>
/// Deficit-guarantee exposure (<see cref="GuaranteeExposure"/>): how much of the guarantee the programme would draw if it
/// stopped today, the shortfall of revenue against plan to date (plan − revenue, never below zero), capped at the
/// guarantee amount. No plan, no exposure figure (null): we do not guess a plan.
/// </para>
/// </summary>
public sealed record FundsNotice : Notice
{
    public FundsNotice(
        string settlementId,
        DateOnly asOf,
        string fundName,
        int participantsReferred,
        int participantsInCourse,
        int participantsAchievedSelfSufficiency,
        decimal targetShare,
        int referralCap,
        decimal revenueToDateExVat,
        decimal? planToDateExVat,
        decimal deficitGuarantee)
    {
        if (participantsReferred < 0) throw new ArgumentOutOfRangeException(nameof(participantsReferred), participantsReferred, "cannot be negative");
        if (participantsInCourse < 0 || participantsInCourse > participantsReferred)
            throw new ArgumentOutOfRangeException(nameof(participantsInCourse), participantsInCourse, "must be between 0 and the number referred");
        if (participantsAchievedSelfSufficiency < 0 || participantsAchievedSelfSufficiency > participantsReferred)
            throw new ArgumentOutOfRangeException(nameof(participantsAchievedSelfSufficiency), participantsAchievedSelfSufficiency, "must be between 0 and the number referred");
        if (targetShare <= 0m || targetShare > 1m) throw new ArgumentOutOfRangeException(nameof(targetShare), targetShare, "must be in (0, 1]");
        if (referralCap < 1) throw new ArgumentOutOfRangeException(nameof(referralCap), referralCap, "must be at least 1");
        if (deficitGuarantee < 0m) throw new ArgumentOutOfRangeException(nameof(deficitGuarantee), deficitGuarantee, "cannot be negative");
        if (planToDateExVat < 0m) throw new ArgumentOutOfRangeException(nameof(planToDateExVat), planToDateExVat, "cannot be negative");
        SettlementId = settlementId;
        Key = NoticeKey.Fund(settlementId, fundName); // validates both
        AsOf = asOf;
        FundName = fundName.Trim();
        ParticipantsReferred = participantsReferred;
        ParticipantsInCourse = participantsInCourse;
        ParticipantsAchievedSelfSufficiency = participantsAchievedSelfSufficiency;
        TargetShare = targetShare;
        ReferralCap = referralCap;
        RevenueToDateExVat = revenueToDateExVat;
        PlanToDateExVat = planToDateExVat;
        DeficitGuarantee = deficitGuarantee;
    }

    public override NoticeKey Key { get; }
    public string SettlementId { get; }
    public DateOnly AsOf { get; }
    public string FundName { get; }
    public int ParticipantsReferred { get; }
    public int ParticipantsInCourse { get; }
    public int ParticipantsAchievedSelfSufficiency { get; }
    public decimal TargetShare { get; }
    /// <summary>The contract's <c>referralCap</c>: the target is a share of it.</summary>
    public int ReferralCap { get; }
    /// <summary>Invoiced minus credited to date, excluding VAT.</summary>
    public decimal RevenueToDateExVat { get; }
    public decimal? PlanToDateExVat { get; }
    public decimal DeficitGuarantee { get; }

    public int TargetCount => ProgrammeTarget.Count(TargetShare, ReferralCap);

    /// <summary>Achieved ÷ referred; null while nobody is referred.</summary>
    public decimal? AchievedShare => ParticipantsReferred == 0
        ? null
        : (decimal)ParticipantsAchievedSelfSufficiency / ParticipantsReferred;

    /// <summary>Plan − revenue when revenue is behind plan, else 0; null without a plan.</summary>
    public decimal? ShortfallAgainstPlan => GuaranteeExposure.Shortfall(PlanToDateExVat, RevenueToDateExVat);

    /// <summary>The shortfall capped at the guarantee; null without a plan.</summary>
    public decimal? DeficitGuaranteeExposure => GuaranteeExposure.Exposure(PlanToDateExVat, RevenueToDateExVat, DeficitGuarantee);
}

/// <summary>A referral with final weeks that have no register row.</summary>
public sealed record DataGap(string ReferralId, IReadOnlyList<IsoWeek> MissingWeeks);

/// <summary>To the jobcenter, when there are data gaps: which referral ids miss which weeks past maturity.</summary>
public sealed record JobcenterDataGapNotice(
    string SettlementId,
    DateOnly AsOf,
    IReadOnlyList<DataGap> Gaps) : Notice
{
    public override NoticeKey Key => NoticeKey.Jobcenter(SettlementId);
}

/// <summary>What the dispatcher needs to send one notice: the content and who it goes to.</summary>
public sealed record NoticeContent(Notice Notice, Recipient To);

/// <summary>
/// The queue message: only the settlement id and the recipient. The content is loaded when the message is handled
/// (<see cref="INoticeContentSource"/>), so no person-level data ever sits in a queue.
/// JSON: <c>{"settlementId":"2021-06","recipient":"Fund:Den Sociale Kapitalfond"}</c>.
/// </summary>
public sealed record NoticeMessage(string SettlementId, string Recipient)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static NoticeMessage For(NoticeKey key) => new(key.SettlementId, key.Recipient);

    [JsonIgnore]
    public NoticeKey Key => NoticeKey.Parse(SettlementId, Recipient);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; a malformed one is a <see cref="FormatException"/> saying why.</summary>
    public static NoticeMessage FromJson(string json)
    {
        NoticeMessage? m;
        try
        {
            m = JsonSerializer.Deserialize<NoticeMessage>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Notice message is not valid JSON of the form {{\"settlementId\":...,\"recipient\":...}}: {e.Message}", e);
        }
        if (m is null || string.IsNullOrWhiteSpace(m.SettlementId) || string.IsNullOrWhiteSpace(m.Recipient))
            throw new FormatException("Notice message needs both settlementId and recipient.");
        _ = m.Key; // validates both parts
        return m;
    }
}
