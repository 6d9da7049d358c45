using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Fuzz.Tests.Harness;

/// <summary>
/// The inputs of <c>BoundsTests</c>: the densest valid file, and those that made readers quadratic (docs/fuzzing.md, F1 to
/// F3). <c>bench/Impact60.Bench/ReadBoundsBenchmark.cs</c> builds the same wide files, and the headers with 20,000 columns and
/// no CPR-shaped name, to measure their processor time; keep the two alike.
/// </summary>
public static class ReadBoundsInputs
{
    /// <summary>The known columns each reader's header starts with, before the unknown ones.</summary>
    public static string KnownHeader(string target) => target switch
    {
        "referrals" => "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business",
        "weeks-long" => "cpr;week;code",
        "weeks-wide" => "cpr;y_2101",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "referrals, weeks-long or weeks-wide"),
    };

    /// <summary>
    /// The header <paramref name="known"/>;c0;c1;… with <paramref name="unknown"/> unknown columns, and no data line (F1);
    /// with <paramref name="cprShapedMiddle"/> the middle one is a CPR-shaped name, so that masking the header copies it.
    /// </summary>
    public static byte[] HeaderWithUnknownColumns(string known, int unknown, bool cprShapedMiddle) =>
        Encoding.UTF8.GetBytes(known + ";" + string.Join(';', Enumerable.Range(0, unknown).Select(i => cprShapedMiddle && i == unknown / 2 ? CprShapedName : $"c{i}")) + "\n");

    /// <summary>A fictitious CPR number (1 March 1999), as the mutators use.</summary>
    public const string CprShapedName = "0103999915";

    /// <summary>cpr;y_0002;…: <paramref name="persons"/> rows of distinct valid CPRs and <paramref name="weeks"/> empty cells (F3).</summary>
    public static byte[] DensestWideFile(int persons, int weeks) => WideFile(persons, weeks, cells => new StringBuilder().Append(';', cells).ToString());

    /// <summary>The same shape with every cell <c>x</c>, not a benefit code: one rejection per cell (F2).</summary>
    public static byte[] WideRowsOfBadCells(int persons, int weeks) => WideFile(persons, weeks, cells => string.Concat(Enumerable.Repeat(";x", cells)));

    private static byte[] WideFile(int persons, int weeks, Func<int, string> cells)
    {
        var columns = Enumerable.Range(0, weeks).Select(i => IsoWeek.Containing(new DateOnly(2000, 1, 10)).AddWeeks(i)).ToList();
        var sb = new StringBuilder("cpr;" + string.Join(';', columns.Select(WeeksFile.WideColumnName)) + "\n");
        var day = new DateOnly(1960, 1, 1);
        var row = cells(weeks);
        for (var person = 0; person < persons; person++)
            sb.Append(day.AddDays(person).ToString("ddMMyy", CultureInfo.InvariantCulture)).Append("1234").Append(row).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
