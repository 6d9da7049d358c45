namespace Impact60.Domain.Register;

/// <summary>
/// When a delivery has so many bad rows that taking the rest would mislead: above <see cref="MaxRejectedShare"/> of its
/// data rows rejected (and at least <see cref="MinRowsForShare"/> rows, so one bad row of two does not refuse a tiny
/// file), the delivery is refused whole — nothing of it is stored, the report says why — because a file that is mostly
/// wrong is more likely a wrong file (another programme, another layout, a broken export) than a good file with errors.
/// Below it, good rows are taken and bad rows reported, and the run still says "needs attention" (exit 1).
/// </summary>
public static class RejectionPolicy
{
    public const decimal MaxRejectedShare = 0.5m;
    public const int MinRowsForShare = 10;

    /// <summary>True when <paramref name="rejected"/> of <paramref name="rowsRead"/> data rows is too many to take the rest.</summary>
    public static bool RefusesWhole(long rowsRead, long rejected) =>
        rowsRead >= MinRowsForShare && rejected > MaxRejectedShare * rowsRead;
}
