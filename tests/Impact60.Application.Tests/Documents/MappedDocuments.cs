using Impact60.Application.Documents;
using Impact60.Application.Settlement;
using Impact60.Application.Verification;
using Impact60.Domain.Contracts;
using Impact60.Domain.Entitlements;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Domain.Settlement;

namespace Impact60.Application.Tests.Documents;

/// <summary>
/// Settlement documents made the way production makes them, without storage: entitlements computed by the real
/// <see cref="EntitlementCalculator"/> from register weeks, in their stored form (<see cref="VerificationService.ToStored"/>),
/// the settlement difference against what was invoiced (<see cref="SettlementDifference.Compute"/>), a plan and a numbered
/// record, and <see cref="SettlementDocuments.Build"/>. What was invoiced moves on by the domain's own
/// <see cref="SettlementCalculator.AfterIssuing"/>. Nothing here types in a document line.
/// </summary>
public static class MappedDocuments
{
    public static readonly DateOnly CourseEnd = new(2019, 1, 4);           // 2019-W01: the window starts 2019-W02
    public static readonly DateOnly FirstRun = new(2019, 9, 1);            // 2019-W27 (end of period 2) + 8 weeks: periods 1 and 2 final
    public static readonly DateOnly SecondRun = new(2019, 10, 1);

    /// <summary>Period 1 = W02..W14, period 2 = W15..W27, then one week of period 3 (never final on these runs).</summary>
    public const string AllFull = "FFFFFFFFFFFFF" + "FFFFFFFFFFFFF" + "F";
    public const string FullThenPartial = "FFFFFFFFFFFFF" + "FFFFPPPPPPPPP" + "P";
    /// <summary>Three weeks of period 1 (W06..W08) on benefit; every spell stays at least 4 weeks long.</summary>
    public const string ThreeWeeksOfPeriod1OnBenefit = "FFFFNNNFFFFFF" + "FFFFFFFFFFFFF" + "F";
    /// <summary>Five weeks of period 1 (W06..W10) and one of period 2 (W21) on benefit.</summary>
    public const string FiveAndOneOnBenefit = "FFFFNNNNNFFFF" + "FFFFFFNFFFFFF" + "F";

    public const decimal Cap = 12_000m;
    public const string ExemptionReason = "Momsfritaget, jf. momslovens § 13, stk. 1, nr. 10";
    public const string FikCreditor = "85123456";

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Impact60.sln"))) return dir.FullName;
            throw new InvalidOperationException("Impact60.sln not found above the test output folder.");
        }
    }

    /// <summary>The shipped contract (samples/impact60.contract.json) through the real loader: bank transfer, 25 % VAT, no caps.</summary>
    public static Contract Sample { get; } = ContractLoader.Load(
        File.ReadAllText(Path.Combine(RepositoryRoot, "samples", "impact60.contract.json")), "impact60.contract.json");

    public static Contract WithCap(this Contract c, decimal cap = Cap) => c with { Caps = new Caps(cap, null) };

    public static Contract WithFik(this Contract c) =>
        c with { Invoicing = c.Invoicing with { PaymentMeans = new PaymentMeans(PaymentMeansType.Fik, FikCreditor) } };

    public static Contract VatExempt(this Contract c) =>
        c with { VatRate = 0m, Invoicing = c.Invoicing with { VatExemptionReason = ExemptionReason } };

    public static Contract WithIban(this Contract c) => c with
    {
        Parties = c.Parties with { Supplier = c.Parties.Supplier with { Bank = c.Parties.Supplier.Bank with { Iban = "DK5000400440116243", Bic = "DABADKKK" } } },
    };

    public static Contract WithBuyerReference(this Contract c, string reference) => c with
    {
        Parties = c.Parties with { Payer = c.Parties.Payer with { BuyerReference = reference } },
    };

    public sealed record Participant(Referral Referral, RegisterWeek[] Weeks);

    /// <summary>
    /// A participant whose course ended <paramref name="courseEnd"/> (default 2019-01-04), with one register row per
    /// character of <paramref name="pattern"/> from the week after: F = no benefit (Full), P = flex job 421 (Partial),
    /// N = code 100 (None), . = no row.
    /// </summary>
    public static Participant Person(int i, string pattern, DateOnly? courseEnd = null)
    {
        var person = Pseudonym.Parse(i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture));
        var end = courseEnd ?? CourseEnd;
        var first = IsoWeek.Containing(end).AddWeeks(1);
        var weeks = new List<RegisterWeek>();
        for (var w = 0; w < pattern.Length; w++)
        {
            string? code = pattern[w] switch { 'F' => "", 'P' => "421", 'N' => "100", '.' => null, var c => throw new ArgumentException($"week pattern '{c}'") };
            if (code is not null) weeks.Add(new RegisterWeek(person, first.AddWeeks(w), BenefitCode.Parse(code)));
        }
        return new Participant(new Referral($"JC-2018-{i:D4}", person, new DateOnly(2018, 9, 24), new DateOnly(2018, 10, 1), end, $"F-{i:D3}", "KaffeFair"),
            weeks.ToArray());
    }

    /// <summary>One settlement's outcome: the record, the plan and the documents Build made of them.</summary>
    public sealed record Settled(SettlementRecord Record, SettlementPlan Plan, IReadOnlyList<SettlementDocument> Documents)
    {
        public SettlementDocument Invoice => Documents.Single(d => d.Kind == DocumentKind.Invoice);
        public SettlementDocument CreditNote => Documents.Single(d => d.Kind == DocumentKind.CreditNote);
    }

    /// <summary>The invoiced-so-far grains and the document numbers of one contract, settled month after month.</summary>
    public sealed class Ledger(Contract contract)
    {
        private IReadOnlyList<InvoicedLine> _invoiced = [];
        private readonly Dictionary<string, DateOnly> _issueDates = new(StringComparer.Ordinal);
        private readonly Dictionary<LineKey, string> _lastSettlement = new();
        private long _invoices, _credits;

        public Contract Contract => contract;

        public Settled Settle(string period, DateOnly asOf, params Participant[] participants)
        {
            var calculator = new EntitlementCalculator(contract);
            var stored = participants.Select(p => VerificationService.ToStored(calculator.Compute(p.Referral, p.Weeks, asOf), p.Referral, p.Weeks, calculator)).ToList();
            var (invoiceLines, creditLines) = SettlementDifference.Compute(stored, Grains());
            var plan = new SettlementPlan(contract.Programme, period, asOf, asOf, asOf.AddDays(contract.Invoicing.PaymentTermsDays),
                invoiceLines, creditLines, new ProgrammeSnapshot(participants.Length, 0, 0, [], []));
            var record = new SettlementRecord(period, asOf, SettlementStatus.Numbered, $"plans/{period}.json", new string('0', 64),
                invoiceLines.Count > 0 ? SettlementLedger.FormatNumber(contract.Invoicing.InvoiceSeries, ++_invoices) : null,
                creditLines.Count > 0 ? SettlementLedger.FormatNumber(contract.Invoicing.CreditNoteSeries, ++_credits) : null,
                plan.InvoiceTotal, plan.CreditTotal);

            var documents = SettlementDocuments.Build(contract, record, plan, _issueDates);

            // What is invoiced moves on by the domain's arithmetic, from the same entitlement lines.
            var entitled = stored.SelectMany(e => e.Lines.Select(l => new EntitlementLine(e.ReferralId, e.FokusRef, l.PeriodIndex,
                IsoWeek.Parse(l.PeriodFirstWeek), IsoWeek.Parse(l.PeriodLastWeek), l.Class, l.UnitPrice, l.Weeks, l.Gross, l.CapReduction, l.Amount)));
            var due = SettlementCalculator.ComputeDue(entitled, _invoiced);
            _invoiced = SettlementCalculator.AfterIssuing(_invoiced, due, record.InvoiceNumber);
            foreach (var l in due.InvoiceLines.Concat(due.CreditLines)) _lastSettlement[l.Key] = period;
            if (record.InvoiceNumber is { } n) _issueDates[n] = plan.IssueDate;
            return new Settled(record, plan, documents);
        }

        private Dictionary<string, InvoicedGrain> Grains() => _invoiced.ToDictionary(
            l => LedgerKeys.Grain(l.Key.ReferralId, l.Key.PeriodIndex, l.Key.Class, l.Key.UnitPrice),
            l => new InvoicedGrain(l.Key.ReferralId, l.FokusRef, l.PeriodFirstWeek.ToString(), l.PeriodLastWeek.ToString(), l.Key.PeriodIndex,
                l.Key.Class, l.Key.UnitPrice, l.Weeks, l.Gross, l.CapReduction, l.Amount, l.LastInvoiceNumber, _lastSettlement[l.Key]));
    }

    // ---- The scenarios every generated-document test runs over ----

    /// <summary>Three participants, first settlement, bank transfer (payment means 42), 25 % VAT.</summary>
    public static Settled FirstInvoice(Contract? contract = null) =>
        new Ledger(contract ?? Sample).Settle("2019-08", FirstRun, Person(1, AllFull), Person(2, FullThenPartial), Person(3, AllFull));

    /// <summary>The first settlement, then a revision puts three paid weeks of participant 1 on benefit: a credit note.</summary>
    public static (Settled First, Settled Revision) Revision(Contract? contract = null)
    {
        var ledger = new Ledger(contract ?? Sample);
        var first = ledger.Settle("2019-08", FirstRun, Person(1, AllFull), Person(2, FullThenPartial));
        var revision = ledger.Settle("2019-09", SecondRun, Person(1, ThreeWeeksOfPeriod1OnBenefit), Person(2, FullThenPartial));
        return (first, revision);
    }

    /// <summary>Cap 12,000: participant 1 crosses it in period 2 (allowance 8,696); participant 2 earns period 1 only, under the cap.</summary>
    public static Settled CappedInvoice(Contract? contract = null) =>
        new Ledger((contract ?? Sample).WithCap()).Settle("2019-08", FirstRun, Person(1, AllFull), Person(2, "FFFFFFFFFFFFF" + "NNNNNNNNNNNNN" + "N"));

    /// <summary>
    /// The cap moves (DOMAIN.md rule 8, week order): participant 1 invoiced at the cap, then three weeks of period 1 revised
    /// away. The credit note takes back period 1's 2,388; the invoice charges period 2 a line of 0 weeks with 2,388 of cap
    /// released.
    /// </summary>
    public static Settled CapReleased(Contract? contract = null, string pattern = ThreeWeeksOfPeriod1OnBenefit)
    {
        var ledger = new Ledger((contract ?? Sample).WithCap());
        ledger.Settle("2019-08", FirstRun, Person(1, AllFull), Person(2, AllFull));
        return ledger.Settle("2019-09", SecondRun, Person(1, pattern), Person(2, AllFull));
    }

    /// <summary>The other way: the revision adds period-1 weeks, the cap takes more of period 2: a credit line of 0 weeks with a charge.</summary>
    public static Settled CapIncreased(Contract? contract = null)
    {
        var ledger = new Ledger((contract ?? Sample).WithCap());
        ledger.Settle("2019-08", FirstRun, Person(1, ThreeWeeksOfPeriod1OnBenefit));
        return ledger.Settle("2019-09", SecondRun, Person(1, AllFull));
    }

    /// <summary>120 participants whose courses ended over ten weeks: two or three lines each.</summary>
    public static Settled HundredTwentyParticipants() =>
        new Ledger(Sample).Settle("2019-11", new DateOnly(2019, 12, 1),
            Enumerable.Range(1, 120).Select(i => Person(i, i % 4 == 0 ? FullThenPartial + "PPPPPPPPPPPP" : AllFull + "FFFFFFFFFFFF",
                CourseEnd.AddDays(7 * (i % 10)))).ToArray());

    /// <summary>Every document the scenarios make, by a name for the validators (file names, test names). Made once.</summary>
    public static IReadOnlyDictionary<string, SettlementDocument> All() => AllOnce.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, SettlementDocument>> AllOnce = new(MakeAll);

    private static IReadOnlyDictionary<string, SettlementDocument> MakeAll()
    {
        var all = new Dictionary<string, SettlementDocument>(StringComparer.Ordinal);
        void Add(string name, Settled s)
        {
            foreach (var d in s.Documents)
                all.Add($"mapped-{name}-{(d.Kind == DocumentKind.Invoice ? "invoice" : "credit-note")}", d);
        }
        Add("first", FirstInvoice());
        Add("revision", Revision().Revision);
        Add("iban", FirstInvoice(Sample.WithIban()));
        Add("fik", FirstInvoice(Sample.WithFik()));
        Add("vat-exempt", FirstInvoice(Sample.VatExempt()));
        Add("vat-exempt-revision", Revision(Sample.VatExempt()).Revision);
        Add("capped", CappedInvoice());
        Add("cap-released", CapReleased());
        Add("cap-released-negative-weeks", CapReleased(pattern: FiveAndOneOnBenefit));
        Add("cap-increased", CapIncreased());
        Add("fik-vat-exempt-cap-released", CapReleased(Sample.WithFik().VatExempt()));
        Add("120-participants", HundredTwentyParticipants());
        return all;
    }
}
