using System.Diagnostics;
using System.Xml.Linq;
using Impact60.Application.Documents;
using Impact60.Application.Tests.Documents;

namespace Impact60.Application.Tests.EInvoice;

/// <summary>
/// Runs the three Schematron rule sets (CEN EN 16931, Peppol BIS 3.0, Danish CIUS; XSLT 2.0) over every test
/// document — the hand-built samples, the documents the real settlement mapping produces (<see cref="MappedDocuments"/>),
/// the broken ones and the shipped Danish examples — with Saxon-HE, once per rule set for the whole directory (JVM start-up is the cost), and keeps the
/// SVRL failed asserts per document and rule set. Java + Saxon come from scripts/setup.sh (libsaxonhe-java);
/// when they are missing the tests fail with that message, they do not skip.
/// </summary>
public sealed class SchematronFixture : IDisposable
{
    public static readonly string[] RuleSets = ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL", "DK-EN16931-UBL"];
    private static readonly XNamespace Svrl = "http://purl.oclc.org/dsdl/svrl";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "impact60-schematron-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<(string Document, string RuleSet), IReadOnlyList<FailedAssert>> _results = new();

    public SchematronFixture()
    {
        var input = Directory.CreateDirectory(Path.Combine(_root, "in")).FullName;
        foreach (var (name, doc) in SampleDocuments.AllValid())
            File.WriteAllBytes(Path.Combine(input, name + ".xml"), UblWriter.WriteBytes(doc));
        // The documents the real mapping makes from settlements (SettlementDocuments.Build): what production sends.
        foreach (var (name, doc) in MappedDocuments.All())
            File.WriteAllBytes(Path.Combine(input, name + ".xml"), UblWriter.WriteBytes(doc));
        foreach (var (name, xml) in BrokenDocuments.All())
            xml.Save(Path.Combine(input, name + ".xml"));
        foreach (var example in Directory.GetFiles(EInvoiceAssets.Examples, "*.xml"))
            File.Copy(example, Path.Combine(input, "dk-example-" + Path.GetFileName(example)));
        Documents = Directory.GetFiles(input, "*.xml").Select(Path.GetFileNameWithoutExtension).ToList()!;

        var jar = Environment.GetEnvironmentVariable("SAXON_JAR") ?? "/usr/share/java/Saxon-HE.jar";
        if (!File.Exists(jar))
            throw new InvalidOperationException(
                $"Saxon-HE not found at {jar}: run scripts/setup.sh (apt-get install -y libsaxonhe-java) or set SAXON_JAR. Schematron validation cannot be skipped.");

        // The three rule sets in parallel: each is one JVM over the whole directory.
        var runs = RuleSets.Select(ruleSet => Task.Run(() => Transform(jar, input, ruleSet))).ToArray();
        Task.WaitAll(runs);

        foreach (var ruleSet in RuleSets)
        foreach (var document in Documents)
        {
            var svrlPath = Path.Combine(_root, ruleSet, document + ".xml");
            if (!File.Exists(svrlPath))
                throw new InvalidOperationException($"Saxon wrote no SVRL for {document} under {ruleSet}");
            var svrl = XDocument.Load(svrlPath);
            _results[(document, ruleSet)] = svrl.Descendants(Svrl + "failed-assert")
                .Select(a => new FailedAssert(
                    (string?)a.Attribute("id") ?? "?",
                    (string?)a.Attribute("flag") ?? "?",
                    ((string?)a.Element(Svrl + "text") ?? "").Trim(),
                    (string?)a.Attribute("location") ?? ""))
                .ToList();
        }
    }

    public IReadOnlyList<string> Documents { get; }

    public IReadOnlyList<FailedAssert> FailedAsserts(string document, string ruleSet) =>
        _results.TryGetValue((document, ruleSet), out var list)
            ? list
            : throw new KeyNotFoundException($"no SVRL for {document} / {ruleSet}; documents: {string.Join(", ", Documents)}");

    private void Transform(string jar, string input, string ruleSet)
    {
        var output = Directory.CreateDirectory(Path.Combine(_root, ruleSet)).FullName;
        var psi = new ProcessStartInfo("java")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-cp", jar, "net.sf.saxon.Transform",
                     "-s:" + input, "-xsl:" + Path.Combine(EInvoiceAssets.Schematron, ruleSet + ".xslt"), "-o:" + output,
                 })
            psi.ArgumentList.Add(arg);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("java did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"java is not installed ({e.Message}): run scripts/setup.sh (default-jre-headless + libsaxonhe-java). Schematron validation cannot be skipped.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Saxon failed on {ruleSet} (exit {process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    public sealed record FailedAssert(string Id, string Flag, string Text, string Location)
    {
        public bool IsFatal => Flag == "fatal";
        public override string ToString() =>
            $"[{Flag}] {Id}: {Text} at {System.Text.RegularExpressions.Regex.Replace(Location, @"\[namespace-uri\(\)='[^']*'\]", "")}";
    }
}

/// <summary>Where the copied validation assets sit in the test output.</summary>
public static class EInvoiceAssets
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "EInvoice", "assets");
    public static string Schematron => Path.Combine(Root, "schematron");
    public static string Examples => Path.Combine(Root, "examples");
    public static string Ubl => Path.Combine(Root, "ubl-2.1");
}

/// <summary>Valid documents broken on purpose by editing the XML, to show the validators catch it.</summary>
public static class BrokenDocuments
{
    private static readonly XNamespace Cbc = UblWriter.Cbc;
    private static readonly XNamespace Cac = UblWriter.Cac;

    /// <summary>A currency code that is not in ISO 4217.</summary>
    public static XDocument WrongCurrency()
    {
        var xml = UblWriter.Write(SampleDocuments.WorkedExampleInvoice());
        xml.Root!.Element(Cbc + "DocumentCurrencyCode")!.Value = "DKX";
        return xml;
    }

    /// <summary>The first line's amount raised by 100.00: qty × price − allowance ≠ amount, and the lines no longer sum to the header.</summary>
    public static XDocument LineAmountNotQuantityTimesPrice()
    {
        var xml = UblWriter.Write(SampleDocuments.CappedInvoice());
        var amount = xml.Root!.Element(Cac + "InvoiceLine")!.Element(Cbc + "LineExtensionAmount")!;
        amount.Value = (decimal.Parse(amount.Value, System.Globalization.CultureInfo.InvariantCulture) + 100m)
            .ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return xml;
    }

    /// <summary>
    /// The mapped cap-released invoice with its line charge dropped: the 0-week line's amount is then neither quantity ×
    /// price nor anything the line says, which is what stating a released cap without a charge would look like.
    /// </summary>
    public static XDocument CapReleasedWithoutItsCharge()
    {
        var xml = UblWriter.Write(MappedDocuments.CapReleased().Invoice);
        var charges = xml.Root!.Elements(Cac + "InvoiceLine").Elements(Cac + "AllowanceCharge")
            .Where(a => a.Element(Cbc + "ChargeIndicator")!.Value == "true").ToList();
        Assert.NotEmpty(charges);
        charges.ForEach(c => c.Remove());
        return xml;
    }

    public static IEnumerable<(string Name, XDocument Xml)> All() =>
    [
        ("broken-currency", WrongCurrency()),
        ("broken-line-amount", LineAmountNotQuantityTimesPrice()),
        ("broken-cap-charge-missing", CapReleasedWithoutItsCharge()),
    ];
}
