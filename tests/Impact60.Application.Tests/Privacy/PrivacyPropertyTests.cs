using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using Impact60.Application.Configuration;
using Impact60.Application.Ingestion;
using Impact60.Application.Pipeline;
using Impact60.Application.RegisterApi;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Cli;
using Impact60.Domain.Register;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit.Abstractions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Impact60.Application.Tests.Privacy;

/// <summary>
/// The privacy property (issue "Bad deliveries never double-pay, never block a settlement, never leak", "Whole classes"):
/// random valid CPR numbers, in random spellings people type and with random text around them, are put into every field
/// of every input — each column of a referrals file, of a long and a wide weeks file (cells and header names), each
/// field of the register API's referral and week items and its page token, the ingest queue's <c>blobName</c>, an Event
/// Grid event's subject and URL, and the names of files ingested directly, dropped in the inbox and given to the CLI —
/// and the whole pipeline runs over Azurite: the CLI's ingest, pull, nightly (verification), settle (documents, notices
/// to the pickup folder, the event to the outbox), invoices and preview, the inbox as the Functions app processes it, and
/// an API pull (WireMock as the register). Then nothing anywhere may hold any of the CPRs (<see cref="OutputScan"/>):
/// no table, blob (outside the evidence archive and the files as dropped), queue message, log line, exception, console
/// output, e-mail (every part decoded, the PDF read as text), document or event.
/// </summary>
/// <remarks>
/// Bounded for CI: <see cref="DefaultCases"/> cases from a fixed seed, about 35 s on 2 cores (the first case about 10 s, as
/// it warms everything up, then about 2 s each). <c>PRIVACY_CASES=200</c>
/// runs more, <c>PRIVACY_SEED</c> another sequence (a CsCheck seed: 12 characters of 0-9, a-z, A-Z, _ and -). A failing
/// case is shrunk by CsCheck (smaller cases are tried from its seed) and reported with the seed that reproduces it and,
/// for each finding, where it was and which injection put it there.
/// The CLI reads its settings from environment variables and its console logger writes to <see cref="Console.Out"/>,
/// process-wide: so the test runs in the "CLI environment" collection, which xunit runs alone.
/// </remarks>
[Collection("CLI environment")]
public sealed class PrivacyPropertyTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private const int DefaultCases = 16;
    private const string DefaultSeed = "Impact60Priv";
    private const int ShrinkIterations = 40;

    private static readonly DateOnly Delivered = new(2019, 7, 31);
    private static readonly DateOnly SettledOn = new(2019, 8, 1);
    private static readonly string ContractPath = Path.Combine(AzuriteLauncher.FindRepositoryRoot(), "samples", "impact60.contract.json");

    private static readonly string[] CliSettings =
    [
        AppSettingNames.Storage, AppSettingNames.PseudonymisationKey, AppSettingNames.RegisterBaseUrl, AppSettingNames.RegisterAuthMode,
        AppSettingNames.RegisterApiKey, AppSettingNames.ContractPath, AppSettingNames.SendGridApiKey, AppSettingNames.ServiceBusNamespace,
        AppSettingNames.ServiceBusConnectionString,
    ];

    private readonly WireMockServer _register = WireMockServer.Start();
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("impact60-privacy-");

    public void Dispose()
    {
        _register.Stop();
        _root.Delete(recursive: true);
    }

    [Fact]
    public async Task Given_random_cprs_in_random_spellings_in_every_field_and_name_of_every_input_when_the_whole_pipeline_runs_then_no_output_holds_any_of_them()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("PRIVACY_CASES"), out var n) && n > 0 ? n : DefaultCases;
        var seed = Environment.GetEnvironmentVariable("PRIVACY_SEED") is { Length: > 0 } s ? s : DefaultSeed;
        var saved = CliSettings.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var clock = Stopwatch.StartNew();
        await using var host = await PrivacyHost.StartAsync(azurite, _register.Urls[0], _root.FullName);
        var covered = new Coverage();
        try
        {
            // The cases come from the fixed seed one after another, so CI runs the same ones every time.
            var pcg = PCG.Parse(seed);
            for (var i = 0; i < cases; i++)
            {
                var state = pcg.State;
                var c = PrivacyGen.Case.Generate(pcg, null, out _);
                var caseClock = Stopwatch.StartNew();
                try
                {
                    await RunCaseAsync(host, c, covered);
                }
                catch (Exception e)
                {
                    var caseSeed = pcg.ToString(state);
                    output.WriteLine($"case {i + 1} failed (seed {caseSeed}): {e.Message}\nshrinking ({ShrinkIterations} tries)…");
                    // CsCheck runs the failing seed, then smaller cases, and throws with the smallest that fails.
                    await PrivacyGen.Case.SampleAsync(c2 => RunCaseAsync(host, c2, new Coverage()), seed: caseSeed, iter: ShrinkIterations, threads: 1,
                        print: c2 => c2.ToString(), writeLine: output.WriteLine);
                    throw; // the shrink found none failing (it should have: the first it runs is this case)
                }
                output.WriteLine($"case {i + 1}: {c.Injections.Length} injection(s), {caseClock.Elapsed.TotalSeconds:0.0} s");
            }
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
        output.WriteLine($"{cases} case(s) in {clock.Elapsed.TotalSeconds:0.0} s; {covered}");

        // Not vacuous: with the fixed seed's cases every place and spelling was tried, every channel used, documents and
        // e-mails were written and read, and the API's JSON came both escaped and not.
        if (cases >= DefaultCases)
        {
            Assert.Empty(Enum.GetValues<Target>().Except(covered.Targets));
            Assert.Empty(Enum.GetValues<Spelling>().Except(covered.Spellings));
            Assert.Empty(Enum.GetValues<Channel>().Except(covered.Channels));
            Assert.True(covered.Invoiced >= cases / 2, $"only {covered.Invoiced} of {cases} cases issued an invoice");
            Assert.True(covered.EscapedJson > 0 && covered.RelaxedJson > 0);
            Assert.True(covered.ConsoleChars > 0, "the CLI's console log lines were never captured");
        }
    }

    private sealed class Coverage
    {
        public HashSet<Target> Targets { get; } = [];
        public HashSet<Spelling> Spellings { get; } = [];
        public HashSet<Channel> Channels { get; } = [];
        public int Invoiced { get; set; }
        public int EscapedJson { get; set; }
        public int RelaxedJson { get; set; }
        public long Texts { get; set; }
        public int Pdfs { get; set; }
        public int Emails { get; set; }
        public long ConsoleChars { get; set; }

        public override string ToString() =>
            $"{Targets.Count} targets, {Spellings.Count} spellings, {Channels.Count} channels; {Invoiced} invoiced; scanned {Texts} texts, {Pdfs} PDFs, {Emails} e-mails, {ConsoleChars} characters of CLI log lines";
    }

    // ---- one case ----

    private async Task RunCaseAsync(PrivacyHost host, PrivacyCase c, Coverage covered)
    {
        var run = new CaseRun(c, Path.Combine(_root.FullName, "case-" + Guid.NewGuid().ToString("N")[..8])) { Azurite = azurite, RegisterUrl = _register.Urls[0] };
        Directory.CreateDirectory(run.Disk);
        var storage = await azurite.CleanStorageAsync();
        host.Reset();
        _register.Reset();
        try
        {
            ServeRegister(c);

            // The background: three participants invoiced in July (referrals by the CLI, weeks through the inbox).
            var referralsFile = run.WriteDisk(FileName(c, Target.BackgroundReferralsName, "referrals-2019-07"), BackgroundReferrals(c));
            var backgroundReferrals = await run.CliAsync("ingest", "--referrals", referralsFile, "--as-of", Iso(Delivered));
            var backgroundWeeks = await host.DropAsync(run, FileName(c, Target.BackgroundWeeksName, "weeks-2019-07"), BackgroundWeeks(c),
                c.BackgroundWeeksByEvent ? Channel.InboxEvent : Channel.InboxBlobName, Delivered);

            // The deliveries carrying CPRs where they do not belong, each by its channel; the preview reads them from disk.
            var dirty = new[]
            {
                (Kind: "referrals", Name: FileName(c, Target.ReferralsFileName, "referrals-dirty"), Content: DirtyReferrals(c), c.ReferralsChannel),
                (Kind: "weeks", Name: FileName(c, Target.LongFileName, "weeks-dirty"), Content: DirtyLongWeeks(c), c.LongChannel),
                (Kind: "weeks", Name: FileName(c, Target.WideFileName, "weeks-dream-dirty"), Content: DirtyWideWeeks(c), c.WideChannel),
            };
            var onDisk = new List<string>();
            foreach (var (kind, name, content, channel) in dirty)
            {
                onDisk.Add(run.WriteDisk(name, content));
                if (channel == Channel.Cli) await run.CliAsync("ingest", $"--{kind}", onDisk[^1], "--as-of", Iso(Delivered));
                else if (channel == Channel.Direct) await host.IngestDirectAsync(run, kind, name, content, Delivered);
                else await host.DropAsync(run, name, content, channel, Delivered);
            }

            foreach (var i in c.At(Target.MissingFileName))
                await run.CliAsync("ingest", "--weeks", Path.Combine(run.Disk, $"weeks-{i.Text}.csv".Replace('/', '_')), "--as-of", Iso(Delivered));

            // Messages naming blobs that are not there, or not in the inbox: the CLI's shape and Event Grid's.
            foreach (var i in c.At(Target.IngestBlobName)) await host.AnnounceAsync(run, new IngestMessage($"weeks-{i.Text}.csv").ToJson(), Delivered);
            foreach (var i in c.At(Target.EventSubject))
                await host.AnnounceAsync(run, BlobCreated(i.Carrier.Serial % 2 == 0
                    ? $"/blobServices/default/containers/{StorageNames.Containers.RegisterInbox}/blobs/weeks-{i.Text}.csv"
                    : $"/blobServices/default/containers/{i.Text}/blobs/weeks.csv", null), Delivered);
            foreach (var i in c.At(Target.EventUrl))
                await host.AnnounceAsync(run, BlobCreated(null, $"https://stimpact60.blob.core.windows.net/{StorageNames.Containers.RegisterInbox}/{Uri.EscapeDataString($"weeks-{i.Text}.csv")}"), Delivered);

            // The register API, pulled as the nightly function does (logs captured), then by the operator's CLI.
            try
            {
                await host.Get<RegisterPull>().PullAsync(Delivered);
            }
            catch (RegisterApiException e)
            {
                run.Output("pull exception", e.ToString());
            }
            await run.CliAsync(withRegister: true, "pull", "--as-of", Iso(Delivered));

            // The night (verification), the July settlement with its documents, notices and event, the ledger, a preview.
            await run.CliAsync("nightly", "--as-of", Iso(Delivered));
            var settle = await run.CliAsync("settle", "--month", "2019-07", "--as-of", Iso(SettledOn));
            await run.CliAsync("invoices");
            string[] preview = ["preview", "--contract", ContractPath, "--referrals", onDisk[0], "--weeks", onDisk[1], "--weeks", onDisk[2], "--as-of", Iso(SettledOn)];
            await run.CliAsync(c.PreviewJson ? [.. preview, "--json"] : preview);

            // Everything written, looked at.
            var scan = new OutputScan(Needles(c));
            await scan.CheckStorageAsync(storage, run.Dropped, run.Announced);
            foreach (var (where, text) in run.Outputs) scan.Check(where, text);
            foreach (var (where, text) in host.LogTexts()) scan.Check(where, text);
            scan.CheckFolder("CLI out", run.Out);
            scan.CheckFolder("host out", host.Folder);

            var findings = scan.Findings;
            if (findings.Count > 0)
                throw new PrivacyLeakException($"{findings.Count} finding(s):\n  " + string.Join("\n  ", findings.Take(30)));

            // Not vacuous: the CPRs did go in — the evidence archive (exempt, as received) holds the injected spellings of
            // the deliveries that surely reached ingestion: the API's referrals page, and files given to RegisterIngestion
            // or the CLI (the inbox may rightly refuse a name, e.g. one with "..").
            var delivered = c.Injections.Where(i => i.Target switch
            {
                >= Target.ApiReferralId and <= Target.ApiBusiness => true,
                >= Target.ReferralId and <= Target.ReferralHeader => c.ReferralsChannel is Channel.Direct or Channel.Cli,
                >= Target.LongCpr and <= Target.LongHeader => c.LongChannel is Channel.Direct or Channel.Cli,
                >= Target.WideCpr and <= Target.WideHeader => c.WideChannel is Channel.Direct or Channel.Cli,
                _ => false,
            }).ToList();
            var archived = new StringBuilder();
            var archive = storage.Container(StorageNames.Containers.Evidence);
            await foreach (var blob in archive.GetBlobsAsync())
            {
                var text = (await archive.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                archived.Append(text).Append('\n').Append(OutputScan.Decode(text)).Append('\n');
            }
            Assert.All(delivered, i => Assert.Contains(i.Core, archived.ToString(), StringComparison.Ordinal));

            // Not vacuous: the background was invoiced (unless its own file was refused by its name), and read back.
            var invoiced = settle.Out.Contains("invoice I60F-000001", StringComparison.Ordinal);
            if (backgroundReferrals.Exit == CliApp.Ok && backgroundWeeks == InboxStatus.Ingested)
            {
                Assert.True(invoiced, $"the background was not invoiced: {settle}");
                Assert.True(scan.Pdfs >= 2 && scan.Emails >= 3, $"{scan.Pdfs} PDFs, {scan.Emails} e-mails scanned");
            }
            covered.Invoiced += invoiced ? 1 : 0;
            covered.Texts += scan.Texts;
            covered.Pdfs += scan.Pdfs;
            covered.Emails += scan.Emails;
            covered.ConsoleChars += run.Outputs.Where(o => o.Where.EndsWith(" console", StringComparison.Ordinal)).Sum(o => (long)o.Text.Length);
            covered.Targets.UnionWith(c.Injections.Select(i => i.Target));
            covered.Spellings.UnionWith(c.Injections.Select(i => i.Spelling));
            covered.Channels.UnionWith([c.ReferralsChannel, c.LongChannel, c.WideChannel, Channel.Cli, c.BackgroundWeeksByEvent ? Channel.InboxEvent : Channel.InboxBlobName]);
            if (c.RelaxedApiJson) covered.RelaxedJson++;
            else covered.EscapedJson++;
        }
        finally
        {
            Directory.Delete(run.Disk, recursive: true);
        }
    }

    /// <summary>
    /// Each CPR of the case as ten digits and DDMMYY-SSSS, each injected spelling verbatim, and what is left of a CPR cut
    /// after its eighth digit (<c>DDMMYYSS</c>, <c>DDMMYY-SS</c>: the birth date and half the serial).
    /// </summary>
    private static IEnumerable<(string, string)> Needles(PrivacyCase c)
    {
        var whose = c.Background.Select((b, n) => (Cpr: b, Who: $"background participant {n + 1}"))
            .Concat(c.Good.Select(g => (Cpr: g, Who: "a good row's person")))
            .Concat(c.Injections.SelectMany(i => new[] { (i.Cpr, $"the CPR injected at {i.Target} ({i.Spelling})"), (i.Carrier, $"the row person of the {i.Target} injection") }));
        foreach (var (cpr, who) in whose)
        {
            yield return (cpr.Digits, $"the ten digits of {who}");
            yield return (cpr.Dashed, who);
            yield return (cpr.Digits[..8], $"{who}, cut after 8 digits");
            yield return (cpr.Dashed[..9], $"{who}, cut after 8 digits");
        }
        foreach (var i in c.Injections) yield return (i.Core, $"the CPR injected at {i.Target} as spelled ({i.Spelling})");
    }

    /// <summary>A file's name: the base, or with an injection the base and the injected text (never starting with '/').</summary>
    private static string FileName(PrivacyCase c, Target target, string name) =>
        c.First(target) is { } i ? $"{name}-{i.Text}.csv" : $"{name}.csv";

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // ---- the inputs ----

    private static string Lines(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";

    /// <summary>As SettlementScenario: A and B's course ends 2019-02-15, C's 2019-01-04; July invoices 3 × 13 × 796.</summary>
    private static string BackgroundReferrals(PrivacyCase c) => Lines(
    [
        SampleRegister.ReferralHeader,
        $"JC-2018-0001;{c.Background[0].Dashed};2018-09-27;2018-10-01;2019-02-15;F-001;KaffeFair",
        $"JC-2018-0002;{c.Background[1].Digits};2018-09-27;2018-10-01;2019-02-15;F-002;Facility Service",
        $"JC-2018-0003;{c.Background[2].Dashed};2018-09-20;2018-09-24;2019-01-04;F-003;Butik ByRetro",
    ]);

    private static string BackgroundWeeks(PrivacyCase c)
    {
        var lines = new List<string> { SampleRegister.WeeksHeader };
        foreach (var (p, first, last) in new[] { (0, 8, 30), (1, 8, 20), (2, 2, 27) })
            for (var w = first; w <= last; w++)
                lines.Add($"{c.Background[p].Dashed};2019-W{w:00};");
        return Lines(lines);
    }

    /// <summary>
    /// A file's header with the header injections: each adds a column named by it (the rows get an empty cell for it), or
    /// renames <paramref name="required"/> (<see cref="Injection.RenamesRequiredColumn"/>), which rejects the file whole.
    /// </summary>
    private static (string Header, List<string> Extra) Header(PrivacyCase c, Target target, string header, string required)
    {
        var columns = header.Split(';').ToList();
        var extra = new List<string>();
        foreach (var i in c.At(target))
        {
            var at = columns.IndexOf(required);
            if (i.RenamesRequiredColumn && at >= 0) columns[at] = i.Text;
            else extra.Add(i.Text);
        }
        return (string.Join(';', [.. columns, .. extra]), extra);
    }

    private static readonly Target[] ReferralColumns = [Target.ReferralId, Target.ReferralCpr, Target.ReferredOn, Target.CourseStart, Target.CourseEnd, Target.FokusRef, Target.Business];

    private static string DirtyReferrals(PrivacyCase c)
    {
        var (header, extra) = Header(c, Target.ReferralHeader, SampleRegister.ReferralHeader, "business");
        var lines = new List<string> { header };
        string Row(string[] fields) => string.Join(';', [.. fields, .. extra.Select(_ => "x")]);
        for (var g = 0; g < c.Good.Length; g++)
            lines.Add(Row([$"JC-G-{g}", c.Good[g].Dashed, "2019-06-03", "2019-06-10", "", $"F-G-{g}", "Good Rows ApS"]));
        var k = 0;
        foreach (var i in c.At(ReferralColumns))
        {
            string[] fields = [$"JC-D-{k}", i.Carrier.Dashed, "2019-06-03", "2019-06-10", "", $"F-D-{k}", "Dirty Row ApS"];
            fields[Array.IndexOf(ReferralColumns, i.Target)] = i.Text;
            lines.Add(Row(fields));
            k++;
        }
        return Lines(lines);
    }

    private static string DirtyLongWeeks(PrivacyCase c)
    {
        var (header, extra) = Header(c, Target.LongHeader, SampleRegister.WeeksHeader, "code");
        var lines = new List<string> { header };
        string Row(string[] fields) => string.Join(';', [.. fields, .. extra.Select(_ => "")]);
        foreach (var g in c.Good)
        {
            lines.Add(Row([g.Digits, "2019-W25", ""]));
            lines.Add(Row([g.Dashed, "2019-W26", "651"]));
        }
        Target[] columns = [Target.LongCpr, Target.LongWeek, Target.LongCode];
        foreach (var i in c.At(columns))
        {
            string[] fields = [i.Carrier.Digits, "2019-W25", ""];
            fields[Array.IndexOf(columns, i.Target)] = i.Text;
            lines.Add(Row(fields));
        }
        return Lines(lines);
    }

    private static string DirtyWideWeeks(PrivacyCase c)
    {
        var (header, extra) = Header(c, Target.WideHeader, "cpr;y_1925;y_1926", "cpr");
        var lines = new List<string> { header };
        string Row(string[] fields) => string.Join(';', [.. fields, .. extra.Select(_ => "")]);
        foreach (var g in c.Good) lines.Add(Row([g.Dashed, "", "651"]));
        foreach (var i in c.At(Target.WideCpr, Target.WideCell))
            lines.Add(Row(i.Target == Target.WideCpr ? [i.Text, "", "651"] : [i.Carrier.Dashed, "", i.Text]));
        return Lines(lines);
    }

    /// <summary>A Microsoft.Storage.BlobCreated event as Event Grid puts it on the queue (subject or data.url left out when null).</summary>
    private static string BlobCreated(string? subject, string? url)
    {
        var e = new Dictionary<string, object?>
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stimpact60",
            ["eventType"] = "Microsoft.Storage.BlobCreated",
            ["eventTime"] = "2019-07-31T05:00:00Z",
            ["dataVersion"] = "",
            ["metadataVersion"] = "1",
        };
        if (subject is not null) e["subject"] = subject;
        e["data"] = url is null ? new Dictionary<string, object?> { ["api"] = "PutBlob" } : new Dictionary<string, object?> { ["api"] = "PutBlob", ["url"] = url };
        return JsonSerializer.Serialize(e);
    }

    private static readonly Target[] ApiReferralFields = [Target.ApiReferralId, Target.ApiReferralCpr, Target.ApiReferredOn, Target.ApiCourseStart, Target.ApiCourseEnd, Target.ApiFokusRef, Target.ApiBusiness];
    private static readonly string[] ApiReferralNames = ["referralId", "cpr", "referredOn", "courseStart", "courseEnd", "fokusRef", "business"];
    private static readonly Target[] ApiWeekFields = [Target.ApiWeekCpr, Target.ApiWeek, Target.ApiCode, Target.ApiChangedAt];
    private static readonly string[] ApiWeekNames = ["cpr", "week", "code", "changedAt"];

    /// <summary>
    /// The register API: the background referrals as stored (unchanged) and the dirty items; one weeks page with some of the
    /// background's weeks and the dirty items, and — when a page token is injected — a second, empty page asked for with it.
    /// The JSON is written by System.Text.Json, as a .NET register would: by default it escapes every non-ASCII character
    /// (an en dash becomes <c>\u2013</c>); some cases use the relaxed encoder that leaves them as they are.
    /// </summary>
    private void ServeRegister(PrivacyCase c)
    {
        var options = new JsonSerializerOptions { Encoder = c.RelaxedApiJson ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default };
        var referrals = new List<Dictionary<string, string?>>
        {
            Item(ApiReferralNames, "JC-2018-0001", c.Background[0].Dashed, "2018-09-27", "2018-10-01", "2019-02-15", "F-001", "KaffeFair"),
            Item(ApiReferralNames, "JC-2018-0002", c.Background[1].Dashed, "2018-09-27", "2018-10-01", "2019-02-15", "F-002", "Facility Service"),
            Item(ApiReferralNames, "JC-2018-0003", c.Background[2].Dashed, "2018-09-20", "2018-09-24", "2019-01-04", "F-003", "Butik ByRetro"),
        };
        var k = 0;
        foreach (var i in c.At(ApiReferralFields))
        {
            var item = Item(ApiReferralNames, $"JC-A-{k}", i.Carrier.Dashed, "2019-06-03", "2019-06-10", null, $"F-A-{k}", "Api Row ApS");
            item[ApiReferralNames[Array.IndexOf(ApiReferralFields, i.Target)]] = i.Text;
            referrals.Add(item);
            k++;
        }
        var weeks = new List<Dictionary<string, string?>>();
        foreach (var b in c.Background)
            for (var w = 8; w <= 10; w++)
                weeks.Add(Item(ApiWeekNames, b.Dashed, $"2019-W{w:00}", "", "2019-07-30T02:00:00Z"));
        foreach (var i in c.At(ApiWeekFields))
        {
            var item = Item(ApiWeekNames, i.Carrier.Dashed, "2019-W25", "", "2019-07-30T02:00:00Z");
            item[ApiWeekNames[Array.IndexOf(ApiWeekFields, i.Target)]] = i.Text;
            weeks.Add(item);
        }
        var token = c.First(Target.ApiNextPageToken)?.Text;

        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/referrals"))
            .RespondWith(Response.Create().WithBody(JsonSerializer.Serialize(new { items = referrals }, options)));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks")).AtPriority(10)
            .RespondWith(Response.Create().WithBody(JsonSerializer.Serialize(new { items = weeks, nextPageToken = token }, options)));
        _register.Given(Request.Create().WithPath("/v1/programmes/IMPACT60/weeks").WithParam("pageToken")).AtPriority(1)
            .RespondWith(Response.Create().WithBody(JsonSerializer.Serialize(new { items = Array.Empty<object>(), nextPageToken = (string?)null }, options)));
    }

    private static Dictionary<string, string?> Item(string[] names, params string?[] values) =>
        names.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

    // ---- the state of one case ----

    /// <summary>What one case did and printed: the CLI's output, messages of exceptions callers would log or print, and
    /// the blobs and messages that are input as delivered (exempt from the scan).</summary>
    internal sealed class CaseRun(PrivacyCase c, string folder)
    {
        public PrivacyCase Case { get; } = c;
        public string Disk { get; } = Path.Combine(folder, "in");
        public string Out { get; } = Path.Combine(folder, "out");
        public List<(string Where, string Text)> Outputs { get; } = [];
        public HashSet<string> Dropped { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Announced { get; } = new(StringComparer.Ordinal);

        public void Output(string where, string? text)
        {
            if (text is not null) Outputs.Add((where, text));
        }

        /// <summary>Writes a file the operator has on disk, under the jobcenter's name ('/' cannot be in a file name: '_').</summary>
        public string WriteDisk(string name, string content)
        {
            var path = Path.Combine(Disk, name.Replace('/', '_'));
            File.WriteAllText(path, content);
            return path;
        }

        public Task<CliRun> CliAsync(params string[] args) => CliAsync(false, args);

        /// <summary>
        /// <c>./impact60 &lt;args&gt;</c> in this process against the test's Azurite, with the settings in the environment,
        /// stdout and stderr captured, and <see cref="Console.Out"/>/<see cref="Console.Error"/> too (the CLI's log lines).
        /// </summary>
        public async Task<CliRun> CliAsync(bool withRegister, params string[] args)
        {
            Environment.SetEnvironmentVariable(AppSettingNames.Storage, Azurite!.ConnectionString);
            Environment.SetEnvironmentVariable(AppSettingNames.PseudonymisationKey, StorageTestHost.TestKey);
            foreach (var k in new[] { AppSettingNames.ContractPath, AppSettingNames.SendGridApiKey, AppSettingNames.ServiceBusNamespace, AppSettingNames.ServiceBusConnectionString })
                Environment.SetEnvironmentVariable(k, null);
            Environment.SetEnvironmentVariable(AppSettingNames.RegisterBaseUrl, withRegister ? RegisterUrl : null);
            Environment.SetEnvironmentVariable(AppSettingNames.RegisterAuthMode, withRegister ? "ApiKey" : null);
            Environment.SetEnvironmentVariable(AppSettingNames.RegisterApiKey, withRegister ? StorageTestHost.RegisterApiKey : null);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var console = new StringWriter();
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            Console.SetOut(console);
            Console.SetError(console);
            int exit;
            try
            {
                exit = await CliApp.RunAsync([.. args, "--out", Out], stdout, stderr);
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
            var run = new CliRun(args[0], exit, stdout.ToString(), stderr.ToString());
            Output($"CLI {args[0]} stdout", run.Out);
            Output($"CLI {args[0]} stderr", run.Err);
            Output($"CLI {args[0]} console", console.ToString());
            return run;
        }

        public AzuriteFixture? Azurite { get; set; }
        public string? RegisterUrl { get; set; }
    }

    internal sealed record CliRun(string Verb, int Exit, string Out, string Err)
    {
        public override string ToString() => $"{Verb} exit {Exit}\n{Out}\n{Err}";
    }

    private sealed class PrivacyLeakException(string message) : Exception(message);

    // ---- the app's composition, as the Functions host runs it ----

    /// <summary>
    /// The app's real composition (<see cref="PipelineServiceCollectionExtensions.AddImpact60Pipeline"/>) over the test's
    /// Azurite and WireMock register, every log line captured at Trace, notices to a pickup folder and events to an
    /// outbox; and the inbox processed as the function <c>RegisterInboxIngest</c> does it, logging what it logs.
    /// </summary>
    internal sealed class PrivacyHost : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly ILogger _function;

        private PrivacyHost(ServiceProvider provider, string folder)
        {
            _provider = provider;
            Folder = folder;
            _function = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Function.RegisterInboxIngest");
        }

        public string Folder { get; }

        public static async Task<PrivacyHost> StartAsync(AzuriteFixture azurite, string registerUrl, string root)
        {
            await azurite.CleanStorageAsync();
            var folder = Path.Combine(root, "host");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Pseudonymisation:Key"] = StorageTestHost.TestKey,
                ["Contract:Path"] = ContractPath,
                ["Notices:PickupFolder"] = Path.Combine(folder, "emails"),
                ["Notices:From"] = "IMPACT60 <impact60@example.dk>",
                ["Register:BaseUrl"] = registerUrl,
                ["Register:AuthMode"] = "ApiKey",
                ["Register:ApiKey"] = StorageTestHost.RegisterApiKey,
            }).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
            services.AddFakeLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddImpact60Pipeline(configuration);
            services.Configure<Impact60.Application.Events.EventsOptions>(o => o.OutboxFolder = Path.Combine(folder, "outbox"));
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            foreach (var validator in provider.GetServices<Microsoft.Extensions.Options.IStartupValidator>()) validator.Validate();
            return new PrivacyHost(provider, folder);
        }

        public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

        /// <summary>Before a case: no log lines, no files.</summary>
        public void Reset()
        {
            _provider.GetFakeLogCollector().Clear();
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        }

        /// <summary>Every captured log line: the message, the exception with its stack, the scopes and the state's values.</summary>
        public IEnumerable<(string, string)> LogTexts()
        {
            foreach (var r in _provider.GetFakeLogCollector().GetSnapshot())
            {
                var where = $"log {r.Category} {r.Level}";
                yield return (where, r.Message);
                if (r.Exception is { } e) yield return (where + " exception", e.ToString());
                foreach (var scope in r.Scopes) yield return (where + " scope", Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                foreach (var (key, value) in r.StructuredState ?? []) yield return ($"{where} state {key}", value ?? "");
            }
        }

        /// <summary>Ingests a file with its name as the CLI's ingest does in-process; a file rejected whole throws, and its
        /// message is what the caller prints or logs.</summary>
        public async Task IngestDirectAsync(CaseRun run, string kind, string name, string content, DateOnly today)
        {
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
            var ingestion = Get<RegisterIngestion>();
            try
            {
                var result = kind == "referrals"
                    ? await ingestion.IngestReferralsFileAsync(stream, name, today)
                    : await ingestion.IngestWeeksFileAsync(stream, name, today);
                run.Output("direct ingestion result", result.ToString());
                foreach (var r in result.Rejections) run.Output("direct ingestion rejection", $"{r.File}:{r.Line}: {r.Reason} | {r.MaskedRawLine}");
                await Get<NightlyRun>().VerifyChangedAsync(result.ChangedParticipants, today, CancellationToken.None);
            }
            catch (RegisterFileException e)
            {
                run.Output("direct ingestion exception", e.ToString());
            }
        }

        /// <summary>Drops a file in the register inbox and announces it on the ingest queue (as the CLI or as Event Grid does);
        /// returns what became of it.</summary>
        public async Task<InboxStatus?> DropAsync(CaseRun run, string name, string content, Channel channel, DateOnly today)
        {
            await Get<StorageClients>().Container(StorageNames.Containers.RegisterInbox).GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true);
            run.Dropped.Add(name);
            var message = channel == Channel.InboxEvent
                ? BlobCreated($"/blobServices/default/containers/{StorageNames.Containers.RegisterInbox}/blobs/{name}",
                    $"https://stimpact60.blob.core.windows.net/{StorageNames.Containers.RegisterInbox}/{Uri.EscapeDataString(name).Replace("%2F", "/", StringComparison.Ordinal)}")
                : new IngestMessage(name).ToJson();
            return await AnnounceAsync(run, message, today);
        }

        /// <summary>Puts a message on the ingest queue and handles it as <c>RegisterInboxIngest</c> does.</summary>
        public async Task<InboxStatus?> AnnounceAsync(CaseRun run, string body, DateOnly today)
        {
            var queue = Get<StorageClients>().Queue(StorageNames.Queues.Ingest);
            run.Announced.Add(body);
            await queue.SendMessageAsync(body);
            InboxStatus? status = null;
            while ((await queue.ReceiveMessagesAsync(1)).Value is [var message])
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                IngestRequest request;
                try
                {
                    request = IngestMessage.Read(message.Body.ToString());
                }
                catch (FormatException e)
                {
                    _function.LogError("Message {MessageId} on {Queue} cannot be read and is moved to {PoisonQueue}: {Reason}",
                        message.MessageId, StorageNames.Queues.Ingest, StorageNames.Queues.IngestPoison, e.Message);
                    await Get<StorageClients>().Queue(StorageNames.Queues.IngestPoison).SendMessageAsync(message.Body.ToString());
                    continue;
                }
                if (request.Message is not { } ingest)
                {
                    _function.LogInformation("Message {MessageId} on {Queue} completed without ingesting: {Reason}", message.MessageId, StorageNames.Queues.Ingest, request.Ignored);
                    continue;
                }
                var source = Impact60.Domain.Text.SafeText.Show(Impact60.Domain.Primitives.Cpr.MaskAll(ingest.BlobName), 260);
                try
                {
                    var outcome = await Get<InboxProcessor>().ProcessAsync(ingest.BlobName, today);
                    if (outcome.Result is { } result)
                    {
                        await Get<NightlyRun>().VerifyChangedAsync(result.ChangedParticipants, today, CancellationToken.None);
                        foreach (var r in result.Rejections) run.Output("inbox rejection", $"{r.File}:{r.Line}: {r.Reason} | {r.MaskedRawLine}");
                    }
                    _function.LogInformation("Inbox {Source}: {Status} {Summary}", source, outcome.Status, outcome.Result?.ToString() ?? outcome.Error);
                    status = outcome.Status;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _function.LogWarning(e, "Message {MessageId} on {Queue} failed (attempt {Count} of {Max}); it will be retried: {Reason}",
                        message.MessageId, StorageNames.Queues.Ingest, 1, 5, e.Message);
                }
            }
            return status;
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();
    }
}
