using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Impact60.Application.Configuration;
using Impact60.Application.Settlement;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Application.Verification;
using Impact60.Domain.Primitives;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Settlement;

/// <summary>
/// The settlement ledger (DOMAIN.md "Settlement"; issue #4 "Settlement ledger"): numbers unique and gap-free per series,
/// also when two settlements run at once; the same month settled twice gives its existing documents; a revision gives a
/// credit note through the ledger; invoiced-so-far is kept per participant, period, class and tariff.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementLedgerTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<SettlementOutcome> SettleAsync(PipelineTestHost host, string period, DateOnly asOf) =>
        await host.Settlement.SettleAsync(period, asOf, None);

    [Fact]
    public async Task Given_four_months_one_with_nothing_due_when_each_is_settled_then_each_series_is_numbered_from_1_without_gaps_and_an_empty_month_takes_no_number()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        await SettleAsync(host, "2019-07", JulyRun);
        await ReviseAsync(host);
        // A's weeks W31..W33 arrive, so A's second period (W21..W33) is verified once W33 is final (2019-10-13).
        await host.IngestAsync("weeks-2019-08-20.csv", WeeksFile((1, 31, 33, "")), new DateOnly(2019, 8, 20));
        await SettleAsync(host, "2019-08", AugustRun);
        var september = await SettleAsync(host, "2019-09", new DateOnly(2019, 10, 1));
        var october = await SettleAsync(host, "2019-10", new DateOnly(2019, 11, 1));

        Assert.Equal((null, null, 0m, 0m), (september.Record.InvoiceNumber, september.Record.CreditNoteNumber, september.Record.InvoiceTotal, september.Record.CreditTotal));
        Assert.Equal(("I60F-000003", 13 * FullWeek), (october.Record.InvoiceNumber, october.Record.InvoiceTotal));
        var documents = await host.Ledger.ListDocumentsAsync(None);
        Assert.Equal(["I60F-000001", "I60F-000002", "I60F-000003", "I60K-000001"], documents.Select(d => d.Number));
        Assert.Equal(["2019-07", "2019-08", "2019-10", "2019-08"], documents.Select(d => d.Period));
        Assert.Equal(["2019-07", "2019-08", "2019-09", "2019-10"], (await host.Ledger.ListSettlementsAsync(None)).Select(s => s.Period));
        // The counters hold the next number: nothing was allocated and lost on the way.
        var counters = await host.Storage.Table(StorageNames.Tables.Ledger)
            .QueryAsync<TableEntity>(e => e.RowKey.CompareTo("series|") >= 0 && e.RowKey.CompareTo("series}") < 0).ToListAsync();
        Assert.Equal([("series|I60F", 4L), ("series|I60K", 2L)], counters.Select(c => (c.RowKey, c.GetInt64("Next")!.Value)).Order());
    }

    [Fact]
    public async Task Given_an_issued_month_when_it_is_settled_again_even_after_a_revision_then_it_returns_the_existing_documents_and_changes_nothing()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        var first = await SettleAsync(host, "2019-07", JulyRun);
        await host.DrainNoticesAsync();
        var before = await host.SnapshotAsync();
        await ReviseAsync(host);
        var entitlementsAfterRevision = (await host.SnapshotAsync()).Where(l => l.StartsWith("Entitlements", StringComparison.Ordinal)).ToList();

        var again = await SettleAsync(host, "2019-07", JulyRun);
        var later = await SettleAsync(host, "2019-07", AugustRun);
        await host.DrainNoticesAsync();

        Assert.False(first.AlreadyIssued);
        Assert.True(again.AlreadyIssued);
        Assert.True(later.AlreadyIssued);
        Assert.Equal(first.Record with { Status = SettlementStatus.Issued }, again.Record);
        Assert.Equal(first.Record with { Status = SettlementStatus.Issued }, later.Record);
        Assert.Equal(("I60F-000001", 3 * 13 * FullWeek), (later.Record.InvoiceNumber, later.Record.InvoiceTotal));
        // Nothing new: no number, no document, no notice, no event; only the revision's own entitlement updates differ.
        var after = await host.SnapshotAsync();
        Assert.Equal(before.Where(l => !l.StartsWith("Entitlements", StringComparison.Ordinal)), after.Where(l => !l.StartsWith("Entitlements", StringComparison.Ordinal)));
        Assert.Equal(entitlementsAfterRevision, after.Where(l => l.StartsWith("Entitlements", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Given_July_is_settled_when_June_is_settled_afterwards_then_it_is_refused_because_settlements_go_forward_in_time()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        await SettleAsync(host, "2019-07", JulyRun);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SettleAsync(host, "2019-06", JulyRun));

        Assert.Contains("Cannot settle 2019-06: 2019-07 is already settled", refused.Message);
        Assert.Single(await host.Ledger.ListSettlementsAsync(None));
    }

    [Fact]
    public async Task Given_a_revision_of_paid_weeks_when_the_next_month_is_settled_then_the_ledger_issues_a_credit_note_correcting_the_invoice_and_invoiced_so_far_follows_each_grain()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        await SettleAsync(host, "2019-07", JulyRun);
        var afterJuly = await host.Ledger.ReadInvoicedAsync(None);
        await ReviseAsync(host);

        var august = await SettleAsync(host, "2019-08", AugustRun);

        var credit = Assert.Single(august.Plan.CreditLines);
        Assert.Equal(("JC-2018-0002", 1, WeekClass.Full, 5, 3_980.00m, "I60F-000001"),
            (credit.ReferralId, credit.PeriodIndex, credit.Class, credit.Weeks, credit.Amount, credit.CorrectsInvoiceNumber));
        var invoiceLine = Assert.Single(august.Plan.InvoiceLines);
        Assert.Equal(("JC-2018-0003", 2, 13, 10_348.00m), (invoiceLine.ReferralId, invoiceLine.PeriodIndex, invoiceLine.Weeks, invoiceLine.Amount));

        // Invoiced so far, per participant, period, class and tariff: July's three grains, then B's taken down by the
        // credit (still remembering the invoice that charged it) and C's second period added.
        Assert.Equal(
            [("JC-2018-0001", 1, 13, 10_348.00m, "I60F-000001", "2019-07"), ("JC-2018-0002", 1, 13, 10_348.00m, "I60F-000001", "2019-07"),
             ("JC-2018-0003", 1, 13, 10_348.00m, "I60F-000001", "2019-07")],
            Grains(afterJuly));
        var afterAugust = await host.Ledger.ReadInvoicedAsync(None);
        Assert.Equal(
            [("JC-2018-0001", 1, 13, 10_348.00m, "I60F-000001", "2019-07"), ("JC-2018-0002", 1, 8, 6_368.00m, "I60F-000001", "2019-08"),
             ("JC-2018-0003", 1, 13, 10_348.00m, "I60F-000001", "2019-07"), ("JC-2018-0003", 2, 13, 10_348.00m, "I60F-000002", "2019-08")],
            Grains(afterAugust));
        // And the grains are exactly the stored entitlements' lines: nothing more and nothing less is invoiced.
        var entitled = (await host.Get<EntitlementStore>().ReadAllAsync(None))
            .SelectMany(e => e.Lines.Select(l => (Key: l.GrainKey(e.ReferralId), l.Weeks, l.Amount)))
            .Where(l => l.Amount != 0).OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(entitled, afterAugust.Values.Select(g => (Key: LedgerKeys.Grain(g.ReferralId, g.PeriodIndex, g.Class, g.UnitPrice), g.Weeks, g.Amount))
            .OrderBy(l => l.Key, StringComparer.Ordinal));
    }

    private static List<(string, int, int, decimal, string, string)> Grains(IReadOnlyDictionary<string, InvoicedGrain> grains) =>
        grains.Values.OrderBy(g => g.ReferralId, StringComparer.Ordinal).ThenBy(g => g.PeriodIndex)
            .Select(g => (g.ReferralId, g.PeriodIndex, g.Weeks, g.Amount, g.LastInvoiceNumber, g.LastSettlement)).ToList();

    /// <summary>
    /// DOMAIN.md's worked example through the ledger: 100 sustained Full weeks and 30 sustained Partial weeks, all in
    /// verified periods, are invoiced 100 × 796 + 30 × 385 = 91,150.00; a later delivery turns 5 of the Full weeks into
    /// benefit weeks (the spells stay sustained) and the next settlement issues a credit note of 3,980.00.
    /// One participant: course end Friday 2018-12-28, so the window starts 2019-W01; the contract's COVID-19 suspension
    /// (2020-W12..W19) sits inside it, neutral, so the 130th counted week is 2021-W33, final on 2021-10-17.
    /// </summary>
    [Fact]
    public async Task Given_the_worked_example_of_the_domain_when_it_is_settled_and_then_revised_then_the_ledger_invoices_91150_and_credits_3980()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        var cpr = SampleRegister.Cpr(42);
        await host.IngestAsync("referrals.csv", SampleRegister.ReferralHeader + "\n" +
            $"JC-2018-0042;{cpr};2018-09-27;2018-10-01;2018-12-28;F-042;KaffeFair\n", new DateOnly(2019, 1, 10));
        var counted = CountedWeeks(new IsoWeek(2019, 1), 130);
        Assert.Equal(new IsoWeek(2021, 33), counted[^1]);
        var weeks = new StringBuilder(SampleRegister.WeeksHeader).Append('\n');
        for (var w = counted[0]; w <= counted[^1]; w = w.AddWeeks(1))
        {
            var index = counted.IndexOf(w); // -1 for a suspended week: a row with no benefit, neutral anyway
            weeks.Append($"{cpr};{w};{(index >= 100 ? "421" : "")}\n");
        }
        await host.IngestAsync("weeks-2021-10.csv", weeks.ToString(), new DateOnly(2021, 10, 31));

        var october = await SettleAsync(host, "2021-10", new DateOnly(2021, 11, 1));

        Assert.Equal(("I60F-000001", 91_150.00m, (string?)null), (october.Record.InvoiceNumber, october.Record.InvoiceTotal, october.Record.CreditNoteNumber));
        Assert.Equal(100, october.Plan.InvoiceLines.Where(l => l.Class == WeekClass.Full).Sum(l => l.Weeks));
        Assert.Equal(30, october.Plan.InvoiceLines.Where(l => l.Class == WeekClass.Partial).Sum(l => l.Weeks));
        Assert.Equal(10, october.Plan.InvoiceLines.Select(l => l.PeriodIndex).Distinct().Count());

        // The revision: counted weeks 41..45 (2019-W41..W45) become cash-benefit weeks; the spells 1..40 and 46..130 stay sustained.
        var revision = new StringBuilder(SampleRegister.WeeksHeader).Append('\n');
        for (var i = 40; i < 45; i++) revision.Append($"{cpr};{counted[i]};130\n");
        await host.IngestAsync("weeks-2021-11-revision.csv", revision.ToString(), new DateOnly(2021, 11, 10));
        var november = await SettleAsync(host, "2021-11", new DateOnly(2021, 12, 1));

        Assert.Equal(((string?)null, "I60K-000001", 3_980.00m), (november.Record.InvoiceNumber, november.Record.CreditNoteNumber, november.Record.CreditTotal));
        var credit = Assert.Single(november.Plan.CreditLines);
        Assert.Equal((4, WeekClass.Full, 5, "I60F-000001"), (credit.PeriodIndex, credit.Class, credit.Weeks, credit.CorrectsInvoiceNumber));
        var creditNote = Assert.Single(await host.Ledger.ListDocumentsAsync(None), d => d.Kind == "CreditNote");
        Assert.Equal((3_980.00m, "I60F-000001"), (creditNote.Total, creditNote.Corrects));
        Assert.Equal(91_150.00m - 3_980.00m, (await host.Ledger.ReadInvoicedAsync(None)).Values.Sum(g => g.Amount));
    }

    /// <summary>The first <paramref name="count"/> weeks from <paramref name="first"/> that the contract counts (not suspended).</summary>
    private static List<IsoWeek> CountedWeeks(IsoWeek first, int count)
    {
        var suspendedFrom = new IsoWeek(2020, 12);
        var suspendedTo = new IsoWeek(2020, 19);
        var result = new List<IsoWeek>();
        for (var w = first; result.Count < count; w = w.AddWeeks(1))
            if (w < suspendedFrom || w > suspendedTo) result.Add(w);
        return result;
    }

    /// <summary>
    /// Two settlement runs of different months at the same moment (the monthly timer and an operator's settle, say):
    /// both plan from the same ledger, then both submit their numbering transaction; <paramref name="first"/>'s commits
    /// first. The other's plan is stale and must not be numbered: August plans again (after completing July), and July,
    /// if it comes second, is refused because August is already settled. Either way no number is used twice or skipped,
    /// and nothing is invoiced twice.
    /// </summary>
    [Theory]
    [InlineData("2019-07")]
    [InlineData("2019-08")]
    public async Task Given_July_and_August_settled_concurrently_when_both_number_at_once_then_no_number_is_used_twice_or_skipped_and_nothing_is_invoiced_twice(string first)
    {
        var rendezvous = new NumberingRendezvous(first);
        await using var host = await PipelineTestHost.StartAsync(azurite, rendezvous);
        await LoadAsync(host);

        async Task<Exception?> Run(string period, DateOnly asOf)
        {
            NumberingRendezvous.Run.Value = period;
            try { await SettleAsync(host, period, asOf); return null; }
            catch (InvalidOperationException e) { return e; }
        }
        var results = await Task.WhenAll(Task.Run(() => Run("2019-07", JulyRun)), Task.Run(() => Run("2019-08", AugustRun)));

        Assert.True(rendezvous.BothHeld, "the two runs did not meet at their numbering transactions");
        var settlements = await host.Ledger.ListSettlementsAsync(None);
        var numbers = (await host.Ledger.ListDocumentsAsync(None)).Select(d => d.Number).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => $"I60F-{n:000000}"), numbers);
        // What is invoiced is exactly what is owed as of the last settlement: 4 verified periods (A, B, C's first; C's second).
        Assert.Equal(4 * 13 * FullWeek, (await host.Ledger.ReadInvoicedAsync(None)).Values.Sum(g => g.Amount));
        Assert.Equal(4 * 13 * FullWeek, settlements.Sum(s => s.InvoiceTotal - s.CreditTotal));
        Assert.All(settlements, s => Assert.Equal(SettlementStatus.Issued, s.Status));
        if (first == "2019-07")
        {
            Assert.Equal([null, null], results.Select(r => r?.Message));
            Assert.Equal([("2019-07", "I60F-000001", 3 * 13 * FullWeek), ("2019-08", "I60F-000002", 13 * FullWeek)],
                settlements.Select(s => (s.Period, s.InvoiceNumber, s.InvoiceTotal)));
            Assert.Contains(host.Logs, l => l.Message.Contains("Settlement 2019-08: another settlement was numbered while this one was planned", StringComparison.Ordinal));
        }
        else
        {
            Assert.Null(results[1]);
            Assert.Contains("Cannot settle 2019-07: 2019-08 is already settled", results[0]?.Message);
            Assert.Equal([("2019-08", "I60F-000001", 4 * 13 * FullWeek)], settlements.Select(s => (s.Period, s.InvoiceNumber, s.InvoiceTotal)));
        }
    }
}

/// <summary>
/// Holds the first table transaction of each of two named runs (<see cref="Run"/>, an async-local flowing into the
/// storage calls) until both have reached it — each has then planned from the same ledger — and lets the chosen run's
/// transaction go first, the other's only after it has committed.
/// </summary>
internal sealed class NumberingRendezvous(string first) : HttpPipelinePolicy
{
    public static readonly AsyncLocal<string?> Run = new();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly HashSet<string> _held = [];
    private readonly TaskCompletionSource _bothArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool BothHeld { get; private set; }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var run = Run.Value;
        bool hold;
        lock (_held) hold = run is not null && message.Request.Method == RequestMethod.Post
            && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && _held.Add(run);
        if (!hold)
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }
        lock (_held) if (_held.Count == 2) { BothHeld = true; _bothArrived.TrySetResult(); }
        await _bothArrived.Task.WaitAsync(Patience);
        if (run != first) await _firstCommitted.Task.WaitAsync(Patience);
        try { await ProcessNextAsync(message, pipeline); }
        finally { if (run == first) _firstCommitted.TrySetResult(); }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);
}
