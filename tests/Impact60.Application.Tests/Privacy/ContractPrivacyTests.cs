using System.Text.Json.Nodes;
using CsCheck;
using Impact60.Application.Storage;
using Impact60.Cli;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;

namespace Impact60.Application.Tests.Privacy;

/// <summary>
/// The contract's texts — its description, the parties' names, addresses, e-mail addresses and buyer reference, the funds'
/// and the jobcenter's names, a suspension's reason, the VAT exemption reason — are printed on every invoice and credit
/// note (XML, PDF, JSON) and in the e-mails. A CPR number typed into one of them (a case worker's note, a contact person
/// identified by CPR) would be on every document Impact60 issues. So the contract loader refuses any CPR-shaped value
/// (<see cref="Cpr.ContainsCprLike"/>: any spelling people type) with its JSON path, like any other invalid value, and its
/// messages never quote one: a contract refused at start-up is logged by the Functions host and printed by the CLI.
/// The one text exempt is the bank account number: 1 to 10 digits by its own rule, and a real account number such as
/// 0112345678 reads as a date followed by four digits.
/// </summary>
public sealed class ContractPrivacyTests
{
    private const string CprMessage = ContractLoader.CprMessage;

    private static readonly string ContractPath = Path.Combine(AzuriteLauncher.FindRepositoryRoot(), "samples", "impact60.contract.json");
    private static readonly string Shipped = File.ReadAllText(ContractPath);

    /// <summary>The contract's free texts, by JSON path.</summary>
    private static readonly string[] TextPaths =
    [
        "$.programme", "$.description", "$.suspensions[0].reason",
        "$.parties.payer.name", "$.parties.payer.buyerReference", "$.parties.payer.email", "$.parties.payer.address.street",
        "$.parties.payer.address.city", "$.parties.supplier.name", "$.parties.supplier.email", "$.parties.supplier.address.street",
        "$.parties.supplier.address.city", "$.parties.funds[0].name", "$.parties.funds[1].name", "$.parties.funds[1].email",
        "$.parties.jobcenter.name", "$.parties.jobcenter.email", "$.invoicing.vatExemptionReason",
    ];

    private sealed record Case(string Path, Injection Injection, bool InPropertyName, bool InFileName)
    {
        public override string ToString() => $"{(InPropertyName ? "property name under" : "value at")} {Path}: {Injection}{(InFileName ? "; also in the file name" : "")}";
    }

    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.OneOf(TextPaths), PrivacyGen.Injection, Gen.Int[0, 9], Gen.Bool)
            .Select((path, injection, kind, inFileName) => new Case(path, injection, kind == 0, inFileName));

    private static (string Json, string Expected) Contract(Case c)
    {
        var root = JsonNode.Parse(Shipped)!;
        var (parent, name) = Locate(root, c.Path);
        if (c.InPropertyName)
        {
            parent.AsObject()[c.Injection.Text] = "x";
            return (root.ToJsonString(), c.Path[..c.Path.LastIndexOf('.')]);
        }
        parent[name] = c.Injection.Text;
        // A VAT exemption reason is only read with a VAT rate of 0.
        if (c.Path == "$.invoicing.vatExemptionReason") root["vatRate"] = 0;
        return (root.ToJsonString(), c.Path);
    }

    private static (JsonNode Parent, string Name) Locate(JsonNode root, string path)
    {
        var parts = path[2..].Split('.');
        var node = root;
        foreach (var part in parts[..^1]) node = Step(node, part);
        var last = parts[^1];
        return (node, last);
    }

    private static JsonNode Step(JsonNode node, string part)
    {
        var bracket = part.IndexOf('[');
        return bracket < 0 ? node[part]! : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1])]!;
    }

    [Fact]
    public void Given_a_cpr_in_any_spelling_in_a_text_of_the_contract_when_loaded_then_it_is_refused_at_that_path_and_no_message_quotes_it()
    {
        Cases.Sample(c =>
        {
            var (json, expected) = Contract(c);
            var source = c.InFileName ? $"contract-{c.Injection.Text}.json" : "impact60.contract.json";

            var e = Assert.Throws<ContractException>(() => ContractLoader.Load(json, source));

            var scan = Scan(c);
            scan.Check("exception message", e.Message);
            foreach (var error in e.Errors) scan.Check("error", error.ToString());
            Assert.Empty(scan.Findings);
            if (c.InPropertyName)
                Assert.Contains(e.Errors, x => x.Path.StartsWith(expected + ".", StringComparison.Ordinal) && x.Message.StartsWith("unknown property", StringComparison.Ordinal));
            else
                Assert.Contains(new ContractError(expected, CprMessage), e.Errors);
        }, iter: 300, seed: "ContractPriv", print: c => c.ToString());
    }

    [Fact]
    public async Task Given_a_contract_with_a_cpr_in_its_texts_and_its_file_name_when_the_cli_previews_then_it_exits_2_with_one_line_and_no_cpr()
    {
        var folder = Directory.CreateTempSubdirectory("impact60-contract-");
        try
        {
            // "Kontakt JC 010197–9911 (ny)": the contact person named by CPR, typed with an en dash.
            var cpr = new TestCpr(1, 1, 97, 9911);
            var c = new Case("$.parties.payer.name", new Injection(Target.Business, cpr, Spelling.EnDash, "Kontakt JC ", " (ny)", cpr), InPropertyName: false, InFileName: true);
            var (json, expected) = Contract(c);
            var contract = Path.Combine(folder.FullName, $"contract-{c.Injection.Text.Replace('/', '_')}.json");
            File.WriteAllText(contract, json);
            var samples = Path.Combine(AzuriteLauncher.FindRepositoryRoot(), "samples");
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            var exit = await CliApp.RunAsync(["preview", "--contract", contract, "--referrals", Path.Combine(samples, "referrals.csv"),
                "--weeks", Path.Combine(samples, "weeks-2021-06.csv"), "--as-of", "2021-07-01"], stdout, stderr);

            Assert.Equal(CliApp.CannotRun, exit);
            Assert.Equal("", stdout.ToString());
            var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected + ": " + CprMessage, line, StringComparison.Ordinal);
            var scan = Scan(c);
            scan.Check("stderr", line);
            Assert.Empty(scan.Findings);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Given_the_shipped_contract_with_a_ten_digit_bank_account_that_reads_as_a_date_when_loaded_then_it_is_accepted()
    {
        var root = JsonNode.Parse(Shipped)!;
        root["parties"]!["supplier"]!["bank"]!["account"] = "0112345678"; // 01-12-34 is a date: it looks like a CPR, it is an account

        var contract = ContractLoader.Load(root.ToJsonString(), "impact60.contract.json");

        Assert.Equal("0112345678", contract.Parties.Supplier.Bank.Account);
        Assert.True(Cpr.ContainsCprLike("0112345678"));
    }

    [Fact]
    public void Given_a_cpr_where_a_formatted_value_belongs_when_loaded_then_the_error_says_what_is_wrong_without_quoting_it()
    {
        var root = JsonNode.Parse(Shipped)!;
        root["currency"] = "010197-9911";
        root["parties"]!["supplier"]!["bank"]!["account"] = "010197-9911";
        root["parties"]!["payer"]!["cvr"] = "0101979911";

        var e = Assert.Throws<ContractException>(() => ContractLoader.Load(root.ToJsonString(), "contract-0101979911.json"));

        Assert.Contains(new ContractError("$.currency", CprMessage), e.Errors);
        Assert.Contains(new ContractError("$.parties.payer.cvr", CprMessage), e.Errors);
        // The account is exempt from the CPR rule, but not from its own: 1 to 10 digits. Its error quotes it masked.
        Assert.Contains(new ContractError("$.parties.supplier.bank.account", "must be 1 to 10 digits (found 'XXXXXX-XXXX')"), e.Errors);
        Assert.False(Cpr.ContainsCprLike(e.Message), e.Message);
        Assert.DoesNotContain("0101979911", e.Message, StringComparison.Ordinal);
    }

    private static OutputScan Scan(Case c) => new([(c.Injection.Core, "the injected CPR"), (c.Injection.Cpr.Digits, "its ten digits"), (c.Injection.Cpr.Dashed, "a CPR")]);
}
