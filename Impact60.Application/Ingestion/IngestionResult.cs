using System.Globalization;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Ingestion;

/// <summary>
/// What one delivery did. Rows are weeks for a weeks delivery and referrals for a referrals delivery:
/// <see cref="NewWeeks"/>/<see cref="RevisedWeeks"/> count weeks, <see cref="NewReferrals"/>/<see cref="ChangedReferrals"/> referrals,
/// <see cref="Unchanged"/> either. <see cref="ChangedParticipants"/> are the participants whose entitlement must be recomputed.
/// <para>Rejected rows: <see cref="RowsRejected"/> counts them all, <see cref="Rejections"/> holds the first ones only
/// (<see cref="IngestionOptions.RejectionExamples"/>), <see cref="RejectionsByKind"/> counts them by kind of reason; the
/// quarantine report has every one. For a <see cref="Duplicate"/> these are the earlier delivery's, told again.</para>
/// <see cref="Source"/> is masked already (anything CPR-shaped in a file name); <see cref="DeliveryId"/> and the blob names
/// are Impact60's own (hex and dates) and need no masking.
/// </summary>
public sealed record IngestionResult(
    string DeliveryId,
    string Sha256,
    string Source,
    bool Duplicate,
    int RowsRead,
    int RowsAccepted,
    int RowsRejected,
    int NewWeeks,
    int RevisedWeeks,
    int NewReferrals,
    int ChangedReferrals,
    int Unchanged,
    IReadOnlyList<Pseudonym> ChangedParticipants,
    IReadOnlyList<Rejection> Rejections,
    string EvidenceBlobName,
    string? QuarantineBlobName)
{
    /// <summary>Rejected rows counted by kind of reason, most frequent first.</summary>
    public IReadOnlyList<RejectionCount> RejectionsByKind { get; init; } = [];

    /// <summary>Why the delivery was refused whole (nothing of it stored), or null. See <see cref="RejectionPolicy"/>.</summary>
    public string? RefusedReason { get; init; }

    public bool Refused => RefusedReason is not null;

    /// <summary>The benefit codes of a weeks delivery that the contract's classification does not list, most weeks first.</summary>
    public IReadOnlyList<UnlistedCode> UnlistedCodes { get; init; } = [];

    /// <summary>For a duplicate: when the same bytes were first ingested.</summary>
    public DateTimeOffset? FirstReceivedAt { get; init; }

    /// <summary>True when the run needs attention: rows were rejected (now or, for a duplicate, the first time) or it was refused.</summary>
    public bool NeedsAttention => RowsRejected > 0 || Refused;

    /// <summary>The summary after the source name: counts and Impact60's own ids only, nothing from the delivery.</summary>
    public string Outcome
    {
        get
        {
            if (Duplicate)
                return string.Create(CultureInfo.InvariantCulture,
                    $"delivery {DeliveryId} was received before; nothing changed") +
                    (RowsRejected > 0 ? string.Create(CultureInfo.InvariantCulture, $"; it had {RowsRejected} rejected row(s), still to be corrected") : "");
            if (Refused)
                return string.Create(CultureInfo.InvariantCulture,
                    $"delivery {DeliveryId}: refused whole, nothing stored: {RowsRejected} of {RowsRead} rows rejected");
            return string.Create(CultureInfo.InvariantCulture,
                $"delivery {DeliveryId}: {RowsRead} rows read, {RowsAccepted} accepted, {RowsRejected} rejected; " +
                $"{NewWeeks} new and {RevisedWeeks} revised weeks, {NewReferrals} new and {ChangedReferrals} changed referrals, {Unchanged} unchanged; " +
                $"{ChangedParticipants.Count} participants changed");
        }
    }

    /// <summary>A one-line summary without personal data, for logs.</summary>
    public override string ToString() => $"{Source}: {Outcome}";
}
