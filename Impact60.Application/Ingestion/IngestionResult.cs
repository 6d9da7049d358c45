using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Ingestion;

/// <summary>
/// What one delivery did. Rows are weeks for a weeks delivery and referrals for a referrals delivery:
/// <see cref="NewWeeks"/>/<see cref="RevisedWeeks"/> count weeks, <see cref="NewReferrals"/>/<see cref="ChangedReferrals"/> referrals,
/// <see cref="Unchanged"/> either. <see cref="ChangedParticipants"/> are the participants whose entitlement must be recomputed.
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
    /// <summary>A one-line summary without personal data, for logs and the CLI.</summary>
    public override string ToString() => Duplicate
        ? $"{Source}: delivery {DeliveryId} was received before; nothing changed"
        : $"{Source}: delivery {DeliveryId}: {RowsRead} rows read, {RowsAccepted} accepted, {RowsRejected} rejected; " +
          $"{NewWeeks} new and {RevisedWeeks} revised weeks, {NewReferrals} new and {ChangedReferrals} changed referrals, {Unchanged} unchanged; " +
          $"{ChangedParticipants.Count} participants changed";
}
