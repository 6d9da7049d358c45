using System.Globalization;
using System.Xml.Linq;
using Impact60.Application.Documents;
using Impact60.Application.Settlement;
using Impact60.Domain.Contracts;
using Impact60.Domain.Primitives;
using static Impact60.Application.Tests.Documents.MappedDocuments;

namespace Impact60.Application.Tests.Documents;

/// <summary>
/// The contract → document mapping (<see cref="SettlementDocuments.Build"/>), asserted on the UBL it produces: every
/// document here comes from entitlements computed from register weeks and settled against what was invoiced before
/// (<see cref="MappedDocuments"/>), so the figures are the arithmetic's, not typed in.
/// </summary>
public sealed class SettlementDocumentsMappingTests
{
    private static readonly XNamespace Cac = UblWriter.Cac;
    private static readonly XNamespace Cbc = UblWriter.Cbc;

    private static XElement Ubl(SettlementDocument d) => UblWriter.Write(d).Root!;

    private static string Text(XElement root, params string[] path)
    {
        XElement e = root;
        foreach (var step in path)
            e = e.Element((step.StartsWith("cbc:", StringComparison.Ordinal) ? Cbc : Cac) + step[4..])
                ?? throw new Xunit.Sdk.XunitException($"no {step} under {e.Name.LocalName} (path {string.Join("/", path)})");
        return e.Value;
    }

    private static decimal Money(string text) => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static IEnumerable<XElement> Lines(XElement root) =>
        root.Elements(Cac + "InvoiceLine").Concat(root.Elements(Cac + "CreditNoteLine"));

    private static XElement LineFor(XElement root, string referralId, int period) =>
        Assert.Single(Lines(root), l => Text(l, "cac:Item", "cbc:Name").StartsWith($"{referralId} / ", StringComparison.Ordinal)
                                        && Text(l, "cac:Item", "cbc:Name").Contains($"/ periode {period} (", StringComparison.Ordinal));

    private static XElement Quantity(XElement line) =>
        line.Element(Cbc + "InvoicedQuantity") ?? line.Element(Cbc + "CreditedQuantity") ?? throw new Xunit.Sdk.XunitException("line has no quantity");

    [Fact]
    public void Given_the_contract_parties_then_the_buyer_is_addressed_by_its_EAN_under_0088_and_the_seller_by_its_CVR_under_0184()
    {
        var contract = Sample;
        var root = Ubl(FirstInvoice(contract).Invoice);

        var buyer = root.Element(Cac + "AccountingCustomerParty")!.Element(Cac + "Party")!;
        var seller = root.Element(Cac + "AccountingSupplierParty")!.Element(Cac + "Party")!;
        Assert.Equal((contract.Parties.Payer.Ean, "0088"), ((string)buyer.Element(Cbc + "EndpointID")!, (string?)buyer.Element(Cbc + "EndpointID")!.Attribute("schemeID")));
        Assert.Equal((contract.Parties.Supplier.Cvr, "0184"), ((string)seller.Element(Cbc + "EndpointID")!, (string?)seller.Element(Cbc + "EndpointID")!.Attribute("schemeID")));
        Assert.Equal(contract.Parties.Payer.Name, Text(buyer, "cac:PartyName", "cbc:Name"));
        Assert.Equal(contract.Parties.Supplier.Name, Text(seller, "cac:PartyName", "cbc:Name"));
        Assert.Equal(contract.Parties.Payer.Cvr, Text(buyer, "cac:PartyLegalEntity", "cbc:CompanyID"));
        Assert.Equal("DK" + contract.Parties.Supplier.Cvr, Text(seller, "cac:PartyTaxScheme", "cbc:CompanyID"));
    }

    [Fact]
    public void Given_a_buyer_reference_in_the_contract_then_the_document_carries_it_as_BuyerReference()
    {
        var root = Ubl(FirstInvoice(Sample.WithBuyerReference("AAK-JC-4711")).Invoice);

        Assert.Equal("AAK-JC-4711", Text(root, "cbc:BuyerReference"));
    }

    [Fact]
    public void Given_settled_weeks_then_each_line_states_its_weeks_as_quantity_in_unit_WEE_at_the_tariff()
    {
        var settled = FirstInvoice();
        var root = Ubl(settled.Invoice);

        var lines = Lines(root).ToList();
        Assert.Equal(settled.Plan.InvoiceLines.Count, lines.Count);
        foreach (var (xml, planned) in lines.Zip(settled.Plan.InvoiceLines))
        {
            Assert.Equal("WEE", (string?)Quantity(xml).Attribute("unitCode"));
            Assert.Equal(planned.Weeks.ToString(CultureInfo.InvariantCulture), Quantity(xml).Value);
            Assert.Equal(planned.UnitPrice, Money(Text(xml, "cac:Price", "cbc:PriceAmount")));
            Assert.Equal(planned.Amount, Money(Text(xml, "cbc:LineExtensionAmount")));
            Assert.Empty(xml.Elements(Cac + "AllowanceCharge")); // no cap in the shipped contract
        }
        // Participant 2: 13 Full weeks in period 1, then 4 Full and 9 Partial in period 2 (385 a week).
        var partial = Assert.Single(lines, l => Text(l, "cac:Item", "cbc:Name") == "JC-2018-0002 / F-002 / periode 2 (2019-W15\u20132019-W27) / delvis");
        Assert.Equal(("9", 385.00m, 3_465.00m), (Quantity(partial).Value, Money(Text(partial, "cac:Price", "cbc:PriceAmount")), Money(Text(partial, "cbc:LineExtensionAmount"))));
    }

    [Fact]
    public void Given_a_capped_participant_then_the_capped_line_has_a_line_allowance_so_quantity_times_price_minus_allowance_is_the_amount()
    {
        var root = Ubl(CappedInvoice().Invoice);

        // 12,000 cap: period 1 10,348 uncapped; period 2 13 × 796 = 10,348 of which 8,696 over the cap.
        var capped = LineFor(root, "JC-2018-0001", 2);
        var allowance = Assert.Single(capped.Elements(Cac + "AllowanceCharge"));
        Assert.Equal(("false", UblWriter.CapAllowanceReason, 8_696.00m),
            (Text(allowance, "cbc:ChargeIndicator"), Text(allowance, "cbc:AllowanceChargeReason"), Money(Text(allowance, "cbc:Amount"))));
        Assert.Equal(("13", 796.00m, 1_652.00m), (Quantity(capped).Value, Money(Text(capped, "cac:Price", "cbc:PriceAmount")), Money(Text(capped, "cbc:LineExtensionAmount"))));
        Assert.Empty(LineFor(root, "JC-2018-0001", 1).Elements(Cac + "AllowanceCharge"));
        Assert.Empty(LineFor(root, "JC-2018-0002", 1).Elements(Cac + "AllowanceCharge"));
    }

    [Fact]
    public void Given_a_revision_that_moves_the_cap_then_the_invoice_charges_a_line_of_0_weeks_with_the_cap_released_as_a_line_charge()
    {
        var settled = CapReleased();
        var invoice = Ubl(settled.Invoice);
        var credit = Ubl(settled.CreditNote);

        // Period 1 lost 3 weeks (credited); period 2's weeks did not change but the cap now takes 2,388 less off it.
        var released = LineFor(invoice, "JC-2018-0001", 2);
        Assert.Equal(("0", "WEE", 796.00m, 2_388.00m), (Quantity(released).Value, (string?)Quantity(released).Attribute("unitCode"),
            Money(Text(released, "cac:Price", "cbc:PriceAmount")), Money(Text(released, "cbc:LineExtensionAmount"))));
        var charge = Assert.Single(released.Elements(Cac + "AllowanceCharge"));
        Assert.Equal(("true", "Loft frigivet (cap allowance released)", 2_388.00m),
            (Text(charge, "cbc:ChargeIndicator"), Text(charge, "cbc:AllowanceChargeReason"), Money(Text(charge, "cbc:Amount"))));

        var credited = LineFor(credit, "JC-2018-0001", 1);
        Assert.Equal(("3", 2_388.00m), (Quantity(credited).Value, Money(Text(credited, "cbc:LineExtensionAmount"))));
        Assert.Empty(credited.Elements(Cac + "AllowanceCharge"));
        Assert.Equal(settled.Record.InvoiceTotal, settled.Record.CreditTotal); // still at the cap: the move nets to nothing
    }

    [Fact]
    public void Given_a_revision_that_also_removes_a_week_of_the_capped_period_then_the_line_has_quantity_minus_1_and_a_charge_of_4776()
    {
        var root = Ubl(CapReleased(pattern: FiveAndOneOnBenefit).Invoice);

        var line = LineFor(root, "JC-2018-0001", 2);
        var charge = Assert.Single(line.Elements(Cac + "AllowanceCharge"));
        // −1 × 796 + 4,776 = 3,980
        Assert.Equal(("-1", "true", 4_776.00m, 3_980.00m),
            (Quantity(line).Value, Text(charge, "cbc:ChargeIndicator"), Money(Text(charge, "cbc:Amount")), Money(Text(line, "cbc:LineExtensionAmount"))));
    }

    [Fact]
    public void Given_a_revision_that_makes_the_cap_take_more_of_a_later_period_then_the_credit_note_credits_a_line_of_0_weeks_with_a_charge()
    {
        var settled = CapIncreased();
        var root = Ubl(settled.CreditNote);

        var line = LineFor(root, "JC-2018-0001", 2);
        var charge = Assert.Single(line.Elements(Cac + "AllowanceCharge"));
        Assert.Equal(("0", "true", UblWriter.CapChargeReason(DocumentKind.CreditNote), 2_388.00m, 2_388.00m),
            (Quantity(line).Value, Text(charge, "cbc:ChargeIndicator"), Text(charge, "cbc:AllowanceChargeReason"),
                Money(Text(charge, "cbc:Amount")), Money(Text(line, "cbc:LineExtensionAmount"))));
        Assert.Equal("I60F-000001", Text(root, "cac:BillingReference", "cac:InvoiceDocumentReference", "cbc:ID"));
    }

    public static TheoryData<string> AllMapped() => new(MappedDocuments.All().Keys);

    [Theory]
    [MemberData(nameof(AllMapped))]
    public void Given_any_mapped_document_then_every_line_is_quantity_times_price_minus_allowances_plus_charges_and_nothing_payable_is_negative(string name)
    {
        var root = Ubl(MappedDocuments.All()[name]);

        var sum = 0m;
        foreach (var line in Lines(root))
        {
            var charges = line.Elements(Cac + "AllowanceCharge").Where(a => Text(a, "cbc:ChargeIndicator") == "true").Sum(a => Money(Text(a, "cbc:Amount")));
            var allowances = line.Elements(Cac + "AllowanceCharge").Where(a => Text(a, "cbc:ChargeIndicator") == "false").Sum(a => Money(Text(a, "cbc:Amount")));
            var amount = Money(Text(line, "cbc:LineExtensionAmount"));
            Assert.Equal(amount, Money(Quantity(line).Value) * Money(Text(line, "cac:Price", "cbc:PriceAmount")) - allowances + charges);
            Assert.True(amount >= 0m, $"{name} line {Text(line, "cbc:ID")}: {amount}");
            sum += amount;
        }
        Assert.Equal(sum, Money(Text(root, "cac:LegalMonetaryTotal", "cbc:LineExtensionAmount")));
        Assert.True(Money(Text(root, "cac:LegalMonetaryTotal", "cbc:PayableAmount")) > 0m);
    }

    [Fact]
    public void Given_a_contract_with_VAT_rate_0_then_the_category_is_E_with_the_contracts_exemption_reason_on_the_breakdown()
    {
        var root = Ubl(FirstInvoice(Sample.VatExempt()).Invoice);

        var subtotal = root.Element(Cac + "TaxTotal")!.Element(Cac + "TaxSubtotal")!;
        Assert.Equal(("E", "0", ExemptionReason), (Text(subtotal, "cac:TaxCategory", "cbc:ID"), Text(subtotal, "cac:TaxCategory", "cbc:Percent"),
            Text(subtotal, "cac:TaxCategory", "cbc:TaxExemptionReason")));
        Assert.Equal(0.00m, Money(Text(root, "cac:TaxTotal", "cbc:TaxAmount")));
        Assert.Equal(Money(Text(root, "cac:LegalMonetaryTotal", "cbc:LineExtensionAmount")), Money(Text(root, "cac:LegalMonetaryTotal", "cbc:PayableAmount")));
        Assert.All(Lines(root), l => Assert.Equal("E", Text(l, "cac:Item", "cac:ClassifiedTaxCategory", "cbc:ID")));
        // The shipped contract's 25 %: category S, no exemption reason anywhere.
        var standard = Ubl(FirstInvoice().Invoice);
        Assert.Equal(("S", "25"), (Text(standard, "cac:TaxTotal", "cac:TaxSubtotal", "cac:TaxCategory", "cbc:ID"),
            Text(standard, "cac:TaxTotal", "cac:TaxSubtotal", "cac:TaxCategory", "cbc:Percent")));
        Assert.Empty(standard.Descendants(Cbc + "TaxExemptionReason"));
    }

    [Fact]
    public void Given_bank_transfer_in_the_contract_then_payment_means_is_42_with_the_suppliers_account_and_reg_no()
    {
        var contract = Sample;
        var doc = FirstInvoice(contract).Invoice;
        var means = Ubl(doc).Element(Cac + "PaymentMeans")!;

        Assert.Equal("42", Text(means, "cbc:PaymentMeansCode"));
        Assert.Equal(doc.Number, Text(means, "cbc:PaymentID"));
        Assert.Equal(contract.Parties.Supplier.Bank.Account, Text(means, "cac:PayeeFinancialAccount", "cbc:ID"));
        Assert.Equal(contract.Parties.Supplier.Bank.RegNo, Text(means, "cac:PayeeFinancialAccount", "cac:FinancialInstitutionBranch", "cbc:ID"));
    }

    [Fact]
    public void Given_an_IBAN_for_the_supplier_then_payment_means_is_58_SEPA_with_IBAN_and_BIC()
    {
        var means = Ubl(FirstInvoice(Sample.WithIban()).Invoice).Element(Cac + "PaymentMeans")!;

        Assert.Equal(("58", "DK5000400440116243", "DABADKKK"), (Text(means, "cbc:PaymentMeansCode"), Text(means, "cac:PayeeFinancialAccount", "cbc:ID"),
            Text(means, "cac:PayeeFinancialAccount", "cac:FinancialInstitutionBranch", "cbc:ID")));
    }

    [Fact]
    public void Given_FIK_in_the_contract_then_payment_means_is_93_with_card_type_71_a_checked_payment_id_and_the_creditor_number()
    {
        var doc = FirstInvoice(Sample.WithFik()).Invoice;
        var means = Ubl(doc).Element(Cac + "PaymentMeans")!;

        Assert.Equal("93", Text(means, "cbc:PaymentMeansCode"));
        var paymentId = Text(means, "cbc:PaymentID");
        Assert.StartsWith("71#", paymentId);
        // 15 digits with a valid modulus-10 check digit (the constructor refuses anything else), derived from the number.
        Assert.Equal(FikPayment.ForInvoice(FikCreditor, doc.Number).PaymentId, new FikPayment(FikCreditor, paymentId[3..]).PaymentId);
        Assert.Equal(FikCreditor, Text(means, "cac:PayeeFinancialAccount", "cbc:ID"));
    }

    [Fact]
    public void Given_a_plan_then_the_invoice_DueDate_and_the_credit_note_PaymentDueDate_are_the_plans_not_recomputed()
    {
        // The plan fixes the dates (issue date + the contract's payment terms, SettlementService; checked end to end in
        // DocumentPipelineTests): a rerun after the contract changed must issue the same document.
        var (first, revision) = Revision();
        var changedTerms = Sample with { Invoicing = Sample.Invoicing with { PaymentTermsDays = 8 } };

        var invoice = Ubl(SettlementDocuments.Build(changedTerms, first.Record, first.Plan, new Dictionary<string, DateOnly>()).Single());
        var credit = Ubl(revision.CreditNote);

        Assert.Equal(first.Plan.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(invoice, "cbc:DueDate"));
        Assert.Equal(first.Plan.IssueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(invoice, "cbc:IssueDate"));
        Assert.Equal(revision.Plan.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text(credit, "cac:PaymentMeans", "cbc:PaymentDueDate"));
        Assert.Empty(credit.Elements(Cbc + "DueDate")); // UBL CreditNote has none
    }

    [Fact]
    public void Given_a_revision_then_the_credit_note_refers_to_the_invoice_it_corrects_and_its_payable_amount_is_positive()
    {
        var (first, revision) = Revision();
        var root = Ubl(revision.CreditNote);

        Assert.Equal("CreditNote", root.Name.LocalName);
        Assert.Equal("381", Text(root, "cbc:CreditNoteTypeCode"));
        var reference = root.Element(Cac + "BillingReference")!.Element(Cac + "InvoiceDocumentReference")!;
        Assert.Equal((first.Record.InvoiceNumber, first.Plan.IssueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ((string?)Text(reference, "cbc:ID"), Text(reference, "cbc:IssueDate")));
        var line = LineFor(root, "JC-2018-0001", 1);
        Assert.Equal($"Retter faktura {first.Record.InvoiceNumber}", Text(line, "cbc:Note"));
        // 3 weeks × 796 = 2,388.00 credited, + 25 % VAT: 2,985.00, stated positive.
        Assert.Equal(("3", 2_388.00m, 2_985.00m), (Quantity(line).Value, Money(Text(line, "cbc:LineExtensionAmount")),
            Money(Text(root, "cac:LegalMonetaryTotal", "cbc:PayableAmount"))));
    }

    [Fact]
    public void Given_a_credit_line_whose_invoice_the_ledger_does_not_hold_then_Build_refuses_naming_both()
    {
        var (_, revision) = Revision();

        var e = Assert.Throws<InvalidOperationException>(() =>
            SettlementDocuments.Build(Sample, revision.Record, revision.Plan, new Dictionary<string, DateOnly>()));

        Assert.Contains(revision.Record.CreditNoteNumber!, e.Message);
        Assert.Contains("I60F-000001", e.Message);
    }

    [Fact]
    public void Given_the_mapped_scenarios_then_they_cover_what_the_validators_must_see()
    {
        // The schema and Schematron tests run over MappedDocuments.All(): make sure it keeps holding every case.
        var all = MappedDocuments.All().Values.ToList();
        Assert.Contains(all, d => d.Kind == DocumentKind.Invoice && d.Payment is BankTransferPayment { Iban: null });
        Assert.Contains(all, d => d.Payment is BankTransferPayment { Iban: not null });
        Assert.Contains(all, d => d.Payment is FikPayment);
        Assert.Contains(all, d => d.Kind == DocumentKind.CreditNote);
        Assert.Contains(all, d => d.IsVatExempt && d.Kind == DocumentKind.Invoice);
        Assert.Contains(all, d => d.IsVatExempt && d.Kind == DocumentKind.CreditNote);
        Assert.Contains(all, d => d.Lines.Any(l => l.Allowance > 0m));
        Assert.Contains(all, d => d.Kind == DocumentKind.Invoice && d.Lines.Any(l => l.Charge > 0m && l.Weeks == 0));
        Assert.Contains(all, d => d.Kind == DocumentKind.CreditNote && d.Lines.Any(l => l.Charge > 0m && l.Weeks == 0));
        Assert.Contains(all, d => d.Lines.Any(l => l.Weeks < 0));
        Assert.Contains(all, d => d.Lines.Select(l => l.ReferralId).Distinct().Count() == 120);
    }
}
