using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Impact60.Application.Documents;
using Impact60.Application.Notices;
using Impact60.Domain.Contracts;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Settlement;

/// <summary>Turns a numbered settlement plan into its documents (DOMAIN.md "Settlement"; issue #5).</summary>
public static class SettlementDocuments
{
    public static IReadOnlyList<SettlementDocument> Build(Contract contract, SettlementRecord record, SettlementPlan plan,
        IReadOnlyDictionary<string, DateOnly> invoiceIssueDates)
    {
        var payer = contract.Parties.Payer;
        var supplier = contract.Parties.Supplier;
        var seller = new DocumentParty(supplier.Name, supplier.Cvr, null, supplier.Address.Street, supplier.Address.City,
            supplier.Address.PostalCode, supplier.Address.Country, supplier.Email);
        var buyer = new DocumentParty(payer.Name, payer.Cvr, payer.Ean, payer.Address.Street, payer.Address.City,
            payer.Address.PostalCode, payer.Address.Country, payer.Email);

        var result = new List<SettlementDocument>();
        foreach (var (number, kind, lines) in SettlementLedger.Documents(record, plan))
        {
            var documentKind = kind == "Invoice" ? DocumentKind.Invoice : DocumentKind.CreditNote;
            PaymentInstructions payment = contract.Invoicing.PaymentMeans.Type == PaymentMeansType.Fik
                ? FikPayment.ForInvoice(contract.Invoicing.PaymentMeans.CreditorNumber!, number)
                : new BankTransferPayment(supplier.Bank.RegNo, supplier.Bank.Account, supplier.Bank.Iban, supplier.Bank.Bic);
            var corrects = documentKind == DocumentKind.CreditNote
                ? lines.Select(l => l.CorrectsInvoiceNumber!).Distinct().Order(StringComparer.Ordinal)
                    .Select(n => new CorrectedInvoice(n, invoiceIssueDates.TryGetValue(n, out var d) ? d
                        : throw new InvalidOperationException($"Credit note {number} corrects invoice {n}, which the ledger does not hold.")))
                    .ToList()
                : [];
            // A plan line's cap reduction is signed: positive where the cap took something off, negative where a revision of
            // earlier weeks released cap room into this period (rule 8 applies in week order). The document states the first
            // as a line allowance and the second as a line charge, so weeks × price − allowance + charge = amount holds for
            // every grain the settlement arithmetic can produce, including a line of 0 weeks.
            var documentLines = lines.Select((l, i) =>
            {
                var (allowance, charge) = DocumentLine.FromCapReduction(l.CapReduction);
                return new DocumentLine(i + 1, l.ReferralId, l.FokusRef, l.PeriodIndex, l.PeriodFirstWeek, l.PeriodLastWeek,
                    l.Class, l.Weeks, l.UnitPrice, allowance, charge, l.Amount, l.CorrectsInvoiceNumber);
            }).ToList();
            result.Add(new SettlementDocument(documentKind, number, plan.IssueDate, plan.DueDate, plan.Period, plan.AsOf,
                seller, buyer, payer.BuyerReference, contract.Currency, contract.VatRate, contract.Invoicing.VatExemptionReason,
                payment, corrects, documentLines));
        }
        return result;
    }

    public static string BlobName(string number, string extension) => $"{number}.{extension}";
}

/// <summary>
/// Writes each document as UBL XML, PDF and JSON to the <c>documents</c> container under its number, once: a blob that
/// exists is left alone (If-None-Match: *), so a rerun finds them and never rewrites — the container is WORM in Azure.
/// </summary>
public sealed class DocumentArchive(BlobContainerClient container)
{
    public static readonly (string Extension, string ContentType)[] Formats =
        [("xml", "application/xml"), ("pdf", "application/pdf"), ("json", "application/json")];

    /// <summary>Writes the document's three forms, the PDF in Danish.</summary>
    public Task<IReadOnlyList<string>> WriteAsync(SettlementDocument document, CancellationToken ct) =>
        WriteAsync(document, DocumentLanguage.Danish, ct);

    /// <summary>
    /// Writes the document's three forms, the PDF in <paramref name="language"/> (the UBL and JSON forms have none of their
    /// own). Returns the blob names, <c>{number}.xml|.pdf|.json</c>, whether written now or found from an earlier run.
    /// </summary>
    public async Task<IReadOnlyList<string>> WriteAsync(SettlementDocument document, DocumentLanguage language, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var (extension, contentType) in Formats)
        {
            var name = SettlementDocuments.BlobName(document.Number, extension);
            names.Add(name);
            var blob = container.GetBlobClient(name);
            if (await blob.ExistsAsync(ct)) continue;
            var bytes = extension switch
            {
                "xml" => UblWriter.WriteBytes(document),
                "pdf" => PdfWriter.Write(document, language),
                _ => DocumentJson.Write(document),
            };
            try
            {
                await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Metadata = new Dictionary<string, string>
                    {
                        ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
                        ["settlementPeriod"] = document.SettlementPeriod,
                    },
                }, ct);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Written by a concurrent or earlier attempt: keep the first.
            }
        }
        return names;
    }

    public async Task<byte[]> ReadAsync(string blobName, CancellationToken ct) =>
        (await container.GetBlobClient(blobName).DownloadContentAsync(ct)).Value.Content.ToArray();
}

/// <summary>
/// Settlement output: the documents of the settlement, archived. The PDF is written in the notices' language
/// (<c>Notices__Language</c>, Danish by default), so the PDF attached to FOKUS's e-mail reads like the e-mail.
/// </summary>
public sealed class DocumentOutput(Contract contract, SettlementLedger ledger, DocumentArchive archive, IOptions<NoticeOptions> notices) : ISettlementOutput
{
    private readonly DocumentLanguage _language = DocumentLanguages.FromCode(notices.Value.Language);

    public async Task PublishAsync(SettlementRecord record, SettlementPlan plan, CancellationToken ct)
    {
        var issueDates = (await ledger.ListDocumentsAsync(ct)).ToDictionary(d => d.Number, d => d.IssueDate, StringComparer.Ordinal);
        foreach (var document in SettlementDocuments.Build(contract, record, plan, issueDates))
            await archive.WriteAsync(document, _language, ct);
    }
}
