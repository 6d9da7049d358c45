using System.Text;
using CsCheck;

namespace Impact60.Application.Tests.Privacy;

/// <summary>A valid CPR number made up for a test: <c>DDMMYY</c> a date (in 19YY or 20YY), <c>SSSS</c> any four digits.</summary>
internal readonly record struct TestCpr(int Day, int Month, int Year, int Serial)
{
    public string Date => $"{Day:00}{Month:00}{Year:00}";
    public string Serial4 => $"{Serial:0000}";

    /// <summary>The ten digits, as the pseudonymiser sees them.</summary>
    public string Digits => Date + Serial4;

    /// <summary>The register's own spelling, <c>DDMMYY-SSSS</c>.</summary>
    public string Dashed => $"{Date}-{Serial4}";

    public string Spell(Spelling spelling)
    {
        string dd = $"{Day:00}", mm = $"{Month:00}", yy = $"{Year:00}";
        return spelling switch
        {
            Spelling.Dashed => Dashed,
            Spelling.Digits => Digits,
            Spelling.Space => $"{Date} {Serial4}",
            Spelling.Slash => $"{Date}/{Serial4}",
            Spelling.Dot => $"{Date}.{Serial4}",
            Spelling.EnDash => $"{Date}\u2013{Serial4}",
            Spelling.DottedDate => $"{dd}.{mm}.{yy}-{Serial4}",
            Spelling.SpacedParts => $"{dd} {mm} {yy} {Serial4}",
            Spelling.DashedParts => $"{dd}-{mm}-{yy}-{Serial4}",
            Spelling.SpacedDash => $"{Date} - {Serial4}",
            Spelling.NoBreakSpace => $"{Date}\u00A0{Serial4}",
            _ => throw new ArgumentOutOfRangeException(nameof(spelling)),
        };
    }

    public override string ToString() => Dashed;
}

/// <summary>Ways a person types a CPR number: the two the register uses, and the ones people use in free text.</summary>
internal enum Spelling
{
    Dashed,
    Digits,
    Space,
    Slash,
    Dot,
    EnDash,
    DottedDate,
    SpacedParts,
    DashedParts,
    SpacedDash,
    NoBreakSpace,
}

/// <summary>Where a CPR is put: one field of one input, or a name.</summary>
internal enum Target
{
    // A row of the referrals file (one extra row per injection, its own person in the cpr column unless the cpr is the target).
    // A header injection adds a column named by it, or (one in three, by the row person's serial) renames a required column:
    // then the whole file is rejected, quoting its header.
    ReferralId, ReferralCpr, ReferredOn, CourseStart, CourseEnd, FokusRef, Business, ReferralHeader,
    // The long weeks file (cpr;week;code).
    LongCpr, LongWeek, LongCode, LongHeader,
    // The wide weeks file (cpr;y_YYWW...).
    WideCpr, WideCell, WideHeader,
    // The register API's referral items, week items and page token.
    ApiReferralId, ApiReferralCpr, ApiReferredOn, ApiCourseStart, ApiCourseEnd, ApiFokusRef, ApiBusiness,
    ApiWeekCpr, ApiWeek, ApiCode, ApiChangedAt, ApiNextPageToken,
    // Messages on the ingest queue naming a blob: the CLI's {"blobName"}, an Event Grid event's subject and data.url.
    IngestBlobName, EventSubject, EventUrl,
    // The names of the files delivered, and of a file the CLI is asked to ingest that is not there.
    BackgroundReferralsName, BackgroundWeeksName, ReferralsFileName, LongFileName, WideFileName, MissingFileName,
}

/// <summary>How a file reaches Impact60.</summary>
internal enum Channel
{
    /// <summary>RegisterIngestion called with the file and its name (what the CLI's ingest does in-process).</summary>
    Direct,
    /// <summary>Dropped in the register inbox, announced by <c>{"blobName":…}</c> on the ingest queue.</summary>
    InboxBlobName,
    /// <summary>Dropped in the register inbox, announced by an Event Grid BlobCreated event on the ingest queue.</summary>
    InboxEvent,
    /// <summary><c>./impact60 ingest</c> on a file on disk.</summary>
    Cli,
}

/// <summary>One CPR put somewhere: its spelling, the text around it, and the person of the row that carries it.</summary>
internal sealed record Injection(Target Target, TestCpr Cpr, Spelling Spelling, string Prefix, string Suffix, TestCpr Carrier)
{
    /// <summary>For a header injection: rename a required column (the file is rejected whole) rather than add one.</summary>
    public bool RenamesRequiredColumn => Carrier.Serial % 3 == 0;

    /// <summary>The CPR as spelled, without the text around it.</summary>
    public string Core => Cpr.Spell(Spelling);

    public string Text => Prefix + Core + Suffix;

    public override string ToString() => $"{Target}: '{Text}' ({Spelling}) row person {Carrier}";
}

/// <summary>
/// One run of the pipeline: three background participants who are invoiced (their files named by injections, if any),
/// the channel of each delivery, how the register API writes JSON, and the CPRs put into inputs.
/// </summary>
internal sealed record PrivacyCase(
    TestCpr[] Background,
    TestCpr[] Good,
    Channel ReferralsChannel,
    Channel LongChannel,
    Channel WideChannel,
    bool BackgroundWeeksByEvent,
    bool RelaxedApiJson,
    bool PreviewJson,
    Injection[] Injections)
{
    /// <summary>Every CPR of the case: each is looked for in every output.</summary>
    public IEnumerable<TestCpr> AllCprs => Background.Concat(Good).Concat(Injections.SelectMany(i => new[] { i.Cpr, i.Carrier }));

    public IEnumerable<Injection> At(params Target[] targets) => Injections.Where(i => targets.Contains(i.Target));

    public Injection? First(Target target) => Injections.FirstOrDefault(i => i.Target == target);

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"background {string.Join(", ", Background)}; good rows {string.Join(", ", Good)}; ");
        sb.Append($"referrals {ReferralsChannel}, long {LongChannel}, wide {WideChannel}, background weeks by {(BackgroundWeeksByEvent ? "event" : "blobName")}, ");
        sb.Append($"API JSON {(RelaxedApiJson ? "relaxed" : "default-escaped")}, preview {(PreviewJson ? "--json" : "table")}; {Injections.Length} injection(s):");
        foreach (var i in Injections) sb.Append("\n  ").Append(i);
        return sb.ToString();
    }
}

internal static class PrivacyGen
{
    /// <summary>A valid CPR: a real date DDMMYY (29 February only in a year that has it in 19YY or 20YY), any serial.</summary>
    public static readonly Gen<TestCpr> Cpr =
        Gen.Select(Gen.Int[0, 99], Gen.Int[1, 12], Gen.Int[0, 9999], Gen.Int[1, 31])
            .Select((yy, mm, serial, day) =>
            {
                var days = Math.Max(DateTime.DaysInMonth(1900 + yy, mm), DateTime.DaysInMonth(2000 + yy, mm));
                return new TestCpr(1 + (day - 1) % days, mm, yy, serial);
            });

    /// <summary>
    /// Text around a CPR as people write it (<c>JC 010197 9911</c>, <c>F-010197/9911</c>, <c>(cpr: …)</c>): letters, spaces
    /// and punctuation, never a digit next to the CPR — a digit there would make it part of a longer number, which by the
    /// rule (docs/register-formats.md) is not a CPR. No <c>;</c> (the extract files' separator) and no line break.
    /// </summary>
    /// <remarks>
    /// Now and then the text before is long (60 to 90 characters), so that a value quoted in a message and cut there
    /// (<see cref="Impact60.Domain.Text.SafeText.QuoteLength"/>: 80) is cut inside the CPR: what is left of it must not
    /// show either.
    /// </remarks>
    private static readonly Gen<string> Around = Gen.Frequency(
        (3, Gen.Const("")),
        (4, Gen.OneOf("JC ", "F-", "cpr ", "CPR: ", "nr. ", "(", "x", "Ref-", "_", "født ", "borger ", "JC", "/", "#")),
        (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzæøåÆØÅABCXYZ -_.:()"], 1, 6]),
        (1, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz "], 60, 90]));

    private static readonly Gen<string> After = Gen.Frequency(
        (3, Gen.Const("")),
        (4, Gen.OneOf(" JC", "/", ")", "-A", " x", ".", "_v2", " (ny)", "-Ø", " ")),
        (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzæøåÆØÅABCXYZ -_.:()"], 1, 6]));

    public static readonly Gen<Injection> Injection =
        Gen.Select(Gen.Enum<Target>(), Cpr, Gen.Enum<Spelling>(), Around, After, Cpr)
            .Select((target, cpr, spelling, prefix, suffix, carrier) => new Injection(target, cpr, spelling, prefix, suffix, carrier));

    private static readonly Gen<Channel> Channels = Gen.Enum<Channel>();

    public static readonly Gen<PrivacyCase> Case =
        Gen.Select(Cpr.Array[3], Cpr.Array[0, 6], Channels, Channels, Channels, Gen.Bool, Gen.Bool, Gen.Select(Gen.Bool, Injection.Array[1, 24]))
            .Select((background, good, referrals, longForm, wide, byEvent, relaxed, rest) =>
                new PrivacyCase(background, good, referrals, longForm, wide, byEvent, relaxed, rest.Item1, rest.Item2));
}
