using Impact60.Application.Configuration;
using Impact60.Application.Settlement;
using Impact60.Application.Tests.Infrastructure;
using Xunit.Abstractions;
using static Impact60.Application.Tests.Settlement.SettlementScenario;

namespace Impact60.Application.Tests.Settlement;

/// <summary>
/// Issue #4: "A crash at any point of a settlement (test it by injecting a failure after each write) followed by a rerun
/// gives exactly the documents one clean run gives." Every write — every Table, Blob and Queue request that is not a read
/// (counted at the storage clients' HTTP pipeline, so none can be missed) and every event publish — is a crash point.
/// For each N the whole scenario (an invoice in July; an invoice and a credit note in August after a revision) runs on a
/// fresh store, the process "dies" right after write N, the settlement is run again, and the end state must equal the
/// clean run's: ledger (settlement records, numbers, document rows and lines, invoiced-so-far grains, counters), stored
/// entitlements, document blobs (XML, JSON and PDF byte for byte), events, one e-mail per recipient and nothing left on
/// the queues.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private async Task<(List<string> Snapshot, IReadOnlyList<string> Writes)> CleanRunAsync()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        Assert.Equal(0, await RunAsync(host));
        return (await host.SnapshotAsync(), host.Crash.Writes);
    }

    [Fact]
    public async Task Given_the_two_month_scenario_when_it_runs_clean_then_it_issues_the_invoices_and_the_credit_note_the_domain_expects()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite);
        await RunAsync(host);

        var settlements = await host.Ledger.ListSettlementsAsync(CancellationToken.None);
        Assert.Equal(
            [("2019-07", "I60F-000001", 3 * 13 * FullWeek, (string?)null, 0m), ("2019-08", "I60F-000002", 13 * FullWeek, "I60K-000001", 5 * FullWeek)],
            settlements.Select(s => (s.Period, s.InvoiceNumber, s.InvoiceTotal, s.CreditNoteNumber, s.CreditTotal)));
        Assert.All(settlements, s => Assert.Equal(SettlementStatus.Issued, s.Status));
        var credit = Assert.Single(await host.Ledger.ListDocumentsAsync(CancellationToken.None), d => d.Kind == "CreditNote");
        Assert.Equal(("I60K-000001", 3_980.00m, "I60F-000001"), (credit.Number, credit.Total, credit.Corrects));
        var snapshot = await host.SnapshotAsync();
        foreach (var number in new[] { "I60F-000001", "I60F-000002", "I60K-000001" })
        foreach (var extension in new[] { "xml", "pdf", "json" })
            Assert.Contains(snapshot, l => l.StartsWith($"blob {number}.{extension} ", StringComparison.Ordinal));
        // One e-mail per settlement and recipient: FOKUS, both funds, and the jobcenter (B's missing weeks).
        Assert.Equal(8, Directory.GetFiles(host.PickupFolder, "*.eml").Length);
        Assert.Equal(["I60F-000001.json", "I60F-000002.json", "I60K-000001.json"], Directory.GetFiles(host.OutboxFolder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Given_a_crash_after_any_single_write_of_either_settlement_when_the_settlement_is_run_again_then_everything_equals_one_clean_run()
    {
        var (clean, writes) = await CleanRunAsync();
        // The clean run's writes, the crash points: both settlements' entitlement write-through, plans, numbering
        // transactions, document rows, invoiced grains, document blobs, notice messages, events and the issued marks.
        Assert.InRange(writes.Count, 30, 80);
        Assert.Contains(writes, w => w.StartsWith("PUT /documents/I60K-000001.pdf", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.StartsWith("POST /notices/messages", StringComparison.Ordinal));
        Assert.Contains(writes, w => w.StartsWith("publish SettlementIssued 2019-08", StringComparison.Ordinal));

        var failures = new List<string>();
        for (var n = 1; n <= writes.Count; n++)
        {
            await using var host = await PipelineTestHost.StartAsync(azurite);
            host.Crash.CrashAfter = n;
            var crashes = await RunAsync(host);
            if (crashes != 1)
            {
                failures.Add($"crash after write {n} ({writes[n - 1]}): expected exactly one crash, got {crashes}");
                continue;
            }
            var after = await host.SnapshotAsync();
            if (!after.SequenceEqual(clean))
                failures.Add($"crash after write {n} ({writes[n - 1]}): differs from the clean run:\n  "
                    + string.Join("\n  ", after.Except(clean).Select(l => "+ " + l).Concat(clean.Except(after).Select(l => "- " + l))));
        }
        output.WriteLine($"{writes.Count} crash points:\n" + string.Join("\n", writes.Select((w, i) => $"{i + 1,3} {w}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Given_July_crashed_right_after_its_numbering_when_the_next_run_is_August_then_August_completes_July_first_and_the_end_equals_a_clean_run()
    {
        var (clean, writes) = await CleanRunAsync();
        // The first table transaction of the July settlement is its numbering.
        var numbering = writes.ToList().FindIndex(w => w.StartsWith("POST /$batch", StringComparison.Ordinal)) + 1;
        Assert.True(numbering > 0);

        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        host.Crash.CrashAfter = numbering;
        host.Crash.Armed = true;
        await Assert.ThrowsAsync<SimulatedCrash>(() => host.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None));
        host.Crash.Armed = false;
        Assert.Equal(SettlementStatus.Numbered, (await host.Ledger.GetSettlementAsync("2019-07", CancellationToken.None))!.Status);

        await ReviseAsync(host);
        await host.Settlement.SettleAsync("2019-08", AugustRun, CancellationToken.None);
        await host.DrainNoticesAsync();

        Assert.Equal(clean, await host.SnapshotAsync());
        Assert.Contains(host.Logs, l => l.Message.Contains("Completing settlement 2019-07", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_August_crashes_and_its_rerun_crashes_again_when_it_is_run_a_third_time_then_the_end_still_equals_one_clean_run()
    {
        var (clean, _) = await CleanRunAsync();
        // August's own writes, counted on a store where July and the revision went through unarmed.
        IReadOnlyList<string> august;
        await using (var probe = await PipelineTestHost.StartAsync(azurite))
        {
            await LoadAsync(probe);
            await probe.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None);
            await ReviseAsync(probe);
            probe.Crash.Armed = true;
            await probe.Settlement.SettleAsync("2019-08", AugustRun, CancellationToken.None);
            august = probe.Crash.Writes;
        }
        var firstBlob = august.ToList().FindIndex(w => w.StartsWith("PUT /documents/I60F-000002", StringComparison.Ordinal)) + 1;
        Assert.True(firstBlob > 0);

        await using var host = await PipelineTestHost.StartAsync(azurite);
        await LoadAsync(host);
        await host.Settlement.SettleAsync("2019-07", JulyRun, CancellationToken.None);
        await ReviseAsync(host);
        // August dies after its first document blob; the rerun dies again after its first write (the ledger resumes
        // from Numbered); the third run completes.
        host.Crash.CrashAfter = firstBlob;
        host.Crash.Armed = true;
        await Assert.ThrowsAsync<SimulatedCrash>(() => host.Settlement.SettleAsync("2019-08", AugustRun, CancellationToken.None));
        host.Crash.CrashAfter = host.Crash.Count + 1;
        host.Crash.Armed = true;
        await Assert.ThrowsAsync<SimulatedCrash>(() => host.Settlement.SettleAsync("2019-08", AugustRun, CancellationToken.None));
        await host.Settlement.SettleAsync("2019-08", AugustRun, CancellationToken.None);
        await host.DrainNoticesAsync();

        Assert.Equal(clean, await host.SnapshotAsync());
    }
}

/// <summary>
/// The batched writes: a settlement with more lines than one entity-group transaction takes (100) writes its document
/// rows and its invoiced grains in several transactions. A crash between any two of them, followed by a rerun, must
/// still give the clean run's ledger.
/// </summary>
[Collection("Azurite")]
public sealed class SettlementBatchCrashTests(AzuriteFixture azurite)
{
    private const int Participants = 105;

    private static async Task RunAsync(PipelineTestHost host)
    {
        var referrals = new System.Text.StringBuilder(Storage.SampleRegister.ReferralHeader).Append('\n');
        var weeks = new System.Text.StringBuilder(Storage.SampleRegister.WeeksHeader).Append('\n');
        for (var i = 1; i <= Participants; i++)
        {
            var cpr = Storage.SampleRegister.Cpr(i);
            referrals.Append($"JC-2018-{i:0000};{cpr};2018-09-27;2018-10-01;2019-02-15;F-{i:000};KaffeFair\n");
            for (var w = 8; w <= 20; w++) weeks.Append($"{cpr};2019-W{w:00};\n");
        }
        var day = new DateOnly(2019, 7, 31);
        await host.IngestAsync("referrals.csv", referrals.ToString(), day);
        await host.IngestAsync("weeks.csv", weeks.ToString(), day);
        // No nightly verification needed: the settlement recomputes every entitlement as of its date.
        await host.SettleCrashingAsync("2019-07", JulyRun);
    }

    [Fact]
    public async Task Given_an_invoice_of_105_lines_when_the_settlement_crashes_between_any_two_of_its_table_transactions_then_the_rerun_gives_the_clean_ledger()
    {
        List<string> clean;
        IReadOnlyList<string> writes;
        await using (var host = await PipelineTestHost.StartAsync(azurite))
        {
            await RunAsync(host);
            clean = await host.SnapshotAsync();
            writes = host.Crash.Writes;
            var settlement = await host.Ledger.GetSettlementAsync("2019-07", CancellationToken.None);
            Assert.Equal(Participants * 13 * FullWeek, settlement!.InvoiceTotal);
        }
        // Numbering, then the invoice's 106 rows in two transactions, then 105 grains in two. The crash points that
        // matter here are between the two halves (the others are covered by SettlementCrashTests, one write each).
        var batches = writes.Select((w, i) => (w, n: i + 1)).Where(x => x.w.StartsWith("POST /$batch", StringComparison.Ordinal)).Select(x => x.n).ToList();
        Assert.Equal(5, batches.Count);

        var failures = new List<string>();
        foreach (var n in new[] { batches[1], batches[3] })
        {
            await using var host = await PipelineTestHost.StartAsync(azurite);
            host.Crash.CrashAfter = n;
            await RunAsync(host);
            if (!(await host.SnapshotAsync()).SequenceEqual(clean)) failures.Add($"crash after write {n} ({writes[n - 1]}) differs from the clean run");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
