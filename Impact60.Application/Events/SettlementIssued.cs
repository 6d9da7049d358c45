using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Impact60.Application.Configuration;
using Impact60.Application.Documents;

namespace Impact60.Application.Events;

/// <summary>
/// Published once a settlement is issued, so FOKUS, the funds and the municipality's finance system can react.
/// Aggregate only: no CPR, pseudonym, referral id or FOKUS reference (the lines stay in the documents, which only
/// the parties with access to the <c>documents</c> container read). No wall-clock field either: a retry must produce
/// the same bytes, so Service Bus duplicate detection and consumers see one and the same event.
/// The contract is documented in docs/events.md.
/// </summary>
public sealed record SettlementIssued(
    string SettlementPeriod,
    DateOnly AsOf,
    string Programme,
    IReadOnlyList<IssuedDocument> Documents,
    SettlementTotals Totals)
{
    /// <summary>Bumped when a field is renamed or removed (adding a field does not bump it).</summary>
    [JsonPropertyOrder(-1)]
    public int SchemaVersion => 1;

    /// <summary>
    /// The event for the documents one settlement run issued (possibly none). Every document must belong to
    /// <paramref name="settlementPeriod"/>; the totals are summed here, from the documents' own totals.
    /// </summary>
    public static SettlementIssued From(string settlementPeriod, DateOnly asOf, string programme, IReadOnlyList<SettlementDocument> documents)
    {
        if (!DateOnly.TryParseExact(settlementPeriod, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new ArgumentException($"settlement period '{settlementPeriod}' is not a month yyyy-MM", nameof(settlementPeriod));
        if (string.IsNullOrWhiteSpace(programme))
            throw new ArgumentException("programme is empty", nameof(programme));
        var foreign = documents.Where(d => d.SettlementPeriod != settlementPeriod).Select(d => $"{d.Number} ({d.SettlementPeriod})").ToList();
        if (foreign.Count > 0)
            throw new ArgumentException($"documents {string.Join(", ", foreign)} do not belong to settlement period {settlementPeriod}", nameof(documents));
        var duplicates = documents.GroupBy(d => d.Number).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new ArgumentException($"document number(s) {string.Join(", ", duplicates)} appear more than once", nameof(documents));

        var issued = documents.Select(IssuedDocument.From).ToList();
        return new SettlementIssued(settlementPeriod, asOf, programme, issued, SettlementTotals.Of(issued));
    }
}

/// <summary>One invoice or credit note of the settlement: its header figures and where its three forms are stored.</summary>
public sealed record IssuedDocument(
    string Number,
    DocumentKind Kind,
    DateOnly IssueDate,
    DateOnly DueDate,
    string Currency,
    decimal TotalExVat,
    decimal Vat,
    decimal Payable,
    IReadOnlyList<string> Corrects,
    DocumentBlobs Blobs)
{
    public static IssuedDocument From(SettlementDocument d) => new(
        d.Number, d.Kind, d.IssueDate, d.DueDate, d.Currency,
        Money.TwoDecimals(d.LineExtensionAmount, d.Number), Money.TwoDecimals(d.VatAmount, d.Number), Money.TwoDecimals(d.PayableAmount, d.Number),
        d.Corrects.Select(c => c.Number).ToList(),
        DocumentBlobs.For(d.Number));
}

/// <summary>
/// Blob names of a document's three forms in the <see cref="StorageNames.Containers.Documents"/> container,
/// named <c>{number}.{xml|pdf|json}</c> like the settlement step stores them.
/// </summary>
public sealed record DocumentBlobs(string Xml, string Pdf, string Json)
{
    public static DocumentBlobs For(string number) => new($"{number}.xml", $"{number}.pdf", $"{number}.json");
}

/// <summary>What the settlement invoiced and credited, ex VAT (credit notes state positive amounts).</summary>
public sealed record SettlementTotals(decimal InvoicedExVat, decimal CreditedExVat)
{
    public static SettlementTotals Of(IReadOnlyList<IssuedDocument> documents) => new(
        Money.TwoDecimals(documents.Where(d => d.Kind == DocumentKind.Invoice).Sum(d => d.TotalExVat), "totals"),
        Money.TwoDecimals(documents.Where(d => d.Kind == DocumentKind.CreditNote).Sum(d => d.TotalExVat), "totals"));
}

internal static class Money
{
    // Amounts on documents are whole øre already (SettlementDocument checks it); anything finer is a bug upstream,
    // so it is refused rather than rounded here. "+ 0.00m" gives the decimal a scale of 2, so it serialises as 91150.00.
    public static decimal TwoDecimals(decimal amount, string where) =>
        SettlementDocument.RoundMoney(amount) == amount
            ? SettlementDocument.RoundMoney(amount) + 0.00m
            : throw new ArgumentException($"{where}: amount {amount} has more than 2 decimals");
}

/// <summary>The one JSON form of <see cref="SettlementIssued"/>: camelCase, dates yyyy-MM-dd, amounts with 2 decimals.</summary>
public static class SettlementIssuedJson
{
    /// <summary>The one options instance (System.Text.Json caches metadata per instance).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public static byte[] Serialize(SettlementIssued e) => JsonSerializer.SerializeToUtf8Bytes(e, Options);

    public static SettlementIssued Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<SettlementIssued>(json, Options)
        ?? throw new JsonException("SettlementIssued body is the JSON literal null");
}
