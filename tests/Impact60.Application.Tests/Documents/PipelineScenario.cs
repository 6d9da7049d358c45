using System.Text;
using Impact60.Application.Configuration;
using Impact60.Application.Settlement;
using Impact60.Application.Storage;
using Impact60.Application.Tests.Infrastructure;
using Impact60.Application.Tests.Storage;
using Impact60.Cli;
using Microsoft.Extensions.Logging;

namespace Impact60.Application.Tests.Documents;

/// <summary>
/// The whole pipeline as the CLI and the Functions app compose it (<see cref="CliHost"/>, <see cref="LocalPipeline"/>)
/// against the test's Azurite: register files with CPR numbers dropped in the inbox, verification, settlement, documents,
/// and the notices — through SendGrid when a (WireMock) host is given, else to a pickup folder.
/// Three participants whose courses ended 2019-01-04 (window from 2019-W02; period 1 = W02..W14, period 2 = W15..W27):
/// 1 and 2 report every week W02..W27 with no benefit (Full); 3 reports W02..W20 only, so its period 2 is held and the
/// jobcenter is told about W21..W27.
/// </summary>
internal sealed class PipelineScenario : IAsyncDisposable
{
    public static readonly DateOnly FirstRun = new(2019, 9, 1);
    public static readonly DateOnly SecondRun = new(2019, 10, 1);
    public const string FirstPeriod = "2019-08";
    public const string SecondPeriod = "2019-09";
    public static readonly int[] Participants = [1, 2, 3];

    private readonly DirectoryInfo _folder;

    private PipelineScenario(CliHost host, DirectoryInfo folder)
    {
        Host = host;
        Pipeline = new LocalPipeline(host);
        _folder = folder;
    }

    public CliHost Host { get; }
    public LocalPipeline Pipeline { get; }
    public StorageClients Storage => Host.Get<StorageClients>();
    public SettlementLedger Ledger => Host.Get<SettlementLedger>();
    public string PickupFolder => Path.Combine(_folder.FullName, "emails");

    public static string Cpr(int participant) => SampleRegister.Cpr(participant);
    public static string ReferralId(int participant) => $"JC-2018-{participant:0000}";
    public static string FokusRef(int participant) => $"F-{participant:000}";

    /// <param name="perParticipantCap">Written into a copy of the shipped contract, read by the real loader.</param>
    /// <param name="sendGridHost">SendGrid's API host (a local stand-in); null: notices go to the pickup folder.</param>
    public static async Task<PipelineScenario> StartAsync(AzuriteFixture azurite, decimal? perParticipantCap = null, string? sendGridHost = null,
        string language = "da")
    {
        await azurite.CleanStorageAsync();
        var folder = Directory.CreateTempSubdirectory("impact60-pipeline-");
        var contractJson = File.ReadAllText(Path.Combine(MappedDocuments.RepositoryRoot, "samples", "impact60.contract.json"));
        if (perParticipantCap is { } cap)
        {
            const string noCaps = "\"caps\": { \"perParticipant\": null, \"programme\": null }";
            Assert.Contains(noCaps, contractJson);
            contractJson = contractJson.Replace(noCaps, $"\"caps\": {{ \"perParticipant\": {cap.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"programme\": null }}", StringComparison.Ordinal);
        }
        var contractPath = Path.Combine(folder.FullName, "impact60.contract.json");
        await File.WriteAllTextAsync(contractPath, contractJson);

        var settings = new Dictionary<string, string?>
        {
            [CliHost.Key(AppSettingNames.Storage)] = azurite.ConnectionString,
            [CliHost.Key(AppSettingNames.PseudonymisationKey)] = StorageTestHost.TestKey,
            [CliHost.Key(AppSettingNames.ContractPath)] = contractPath,
            [CliHost.Key(AppSettingNames.NoticesLanguage)] = language,
            [CliHost.Key(AppSettingNames.NoticesFrom)] = "IMPACT60 <impact60@example.dk>",
            [CliHost.Key(AppSettingNames.NoticesPickupFolder)] = Path.Combine(folder.FullName, "emails"),
            // Whatever the environment says, the register is not pulled here.
            [CliHost.Key(AppSettingNames.RegisterBaseUrl)] = "",
            [CliHost.Key(AppSettingNames.SendGridApiKey)] = sendGridHost is null ? "" : "SG.test-key",
            [CliHost.Key(AppSettingNames.SendGridHost)] = sendGridHost ?? "https://api.sendgrid.com",
        };
        var host = await CliHost.StartAsync(CliHost.LocalDefaults(folder.FullName), settings, Path.Combine(folder.FullName, "events"), LogLevel.Warning);
        return new PipelineScenario(host, folder);
    }

    public static string ReferralsFile() =>
        SampleRegister.ReferralHeader + "\n" + string.Concat(Participants.Select(p =>
            $"{ReferralId(p)};{Cpr(p)};2018-09-24;2018-10-01;2019-01-04;{FokusRef(p)};KaffeFair\n"));

    /// <summary>Weeks W02..W27 for participants 1 and 2, W02..W20 for 3; <paramref name="codeOf"/> gives a week's code (default none).</summary>
    public static string WeeksFile(Func<int, int, string>? codeOf = null)
    {
        var sb = new StringBuilder(SampleRegister.WeeksHeader).Append('\n');
        foreach (var p in Participants)
            for (var w = 2; w <= (p == 3 ? 20 : 27); w++)
                sb.Append($"{Cpr(p)};2019-W{w:00};{codeOf?.Invoke(p, w) ?? ""}\n");
        return sb.ToString();
    }

    /// <summary>Drops a file in the inbox, ingests it and runs the verifications it queued, as of <paramref name="today"/>.</summary>
    public async Task DropAsync(string name, string content, DateOnly today)
    {
        var outcomes = await Pipeline.DropAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), today, CancellationToken.None);
        Assert.All(outcomes, o => Assert.NotNull(o.Result));
        await Pipeline.DrainVerifyAsync(CancellationToken.None);
    }

    /// <summary>The register as the first settlement sees it, then settled as of 1 September 2019 (month 2019-08).</summary>
    public async Task<SettlementOutcome> FirstSettlementAsync()
    {
        await DropAsync("2019/referrals.csv", ReferralsFile(), FirstRun);
        await DropAsync("2019/weeks-2019-08.csv", WeeksFile(), FirstRun);
        return await Pipeline.Settlement.SettleAsync(FirstPeriod, FirstRun, CancellationToken.None);
    }

    /// <summary>A revision delivery: participant 1's W06..W08 were benefit weeks (code 100, None); settled 1 October 2019.</summary>
    public async Task<SettlementOutcome> RevisionSettlementAsync()
    {
        await DropAsync("2019/weeks-2019-09-revision.csv", WeeksFile((p, w) => p == 1 && w is >= 6 and <= 8 ? "100" : ""), SecondRun);
        await Pipeline.Nightly.RunAsync(SecondRun, CancellationToken.None);
        await Pipeline.DrainVerifyAsync(CancellationToken.None);
        return await Pipeline.Settlement.SettleAsync(SecondPeriod, SecondRun, CancellationToken.None);
    }

    public async Task<byte[]> DocumentAsync(string blobName) =>
        (await Storage.Container(StorageNames.Containers.Documents).GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToArray();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }
}
