using System.Globalization;
using System.Text;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;
using Impact60.Fuzz.Tests.Targets;

namespace Impact60.Fuzz.Tests;

/// <summary>The stated bounds (docs/fuzzing.md) against the densest valid input: they must fit correct readers.</summary>
public sealed class BoundsTests
{
    /// <summary>
    /// The densest valid input there is: a wide file of empty cells, one byte (";") per week, each week a 24-byte
    /// RegisterWeek in the list the ingestion builds (which may have grown to twice its count). The stated memory bound
    /// must hold for it with room to spare, or it would flag correct readers. (Time is not enforced here: see the next test.)
    /// </summary>
    [Fact]
    public void Given_the_densest_valid_wide_file_when_read_then_memory_is_within_the_stated_bound()
    {
        var input = DensestWideFile(persons: 800, weeks: 1100);
        var probe = new Probe(precise: true, enforceTime: false);

        var outcome = new WeeksFileTarget(WeeksFileForm.Wide).Execute(input, probe);

        Assert.Equal(800L * 1100, outcome.Rows);
        Assert.InRange(probe.Retained, 20L * input.Length, Bounds.Memory(input.Length));
    }

    /// <summary>
    /// The same file within the time bound (docs/fuzzing.md, F3). It failed when the person-week repeat check keyed a
    /// dictionary by <c>person &lt;&lt; 32 | week</c>, whose hash is <c>person XOR week</c>: 1.3 million person-weeks shared
    /// about 2,000 hash codes and the read took several times its bound instead of a fraction of a second.
    /// </summary>
    [Fact]
    public void Given_the_densest_valid_wide_file_when_read_then_it_takes_no_more_than_the_stated_time()
    {
        var input = DensestWideFile(persons: 1200, weeks: 1100);
        var probe = new Probe(precise: true, enforceTime: false);

        new WeeksFileTarget(WeeksFileForm.Wide).Execute(input, probe);

        Assert.InRange(probe.Cpu, TimeSpan.Zero, Bounds.Cpu(input.Length));
    }

    /// <summary>
    /// A header with thousands of columns the reader does not know (docs/fuzzing.md, F1): each is listed on line 1, and
    /// listing them costs time in proportion to the header, not to its square. It failed when every rejection masked the
    /// whole header line again (10,000 columns, 59 KB: stopped at its 2.1 s bound; 20,000 took 104 s).
    /// </summary>
    [Theory]
    [InlineData("referrals", "referral_id;cpr;referred_on;course_start;course_end;fokus_ref;business")]
    [InlineData("weeks-long", "cpr;week;code")]
    [InlineData("weeks-wide", "cpr;y_2101")]
    public void Given_a_header_with_10000_unknown_columns_when_read_then_each_is_listed_within_the_stated_time(string target, string known)
    {
        var input = Encoding.UTF8.GetBytes(known + ";" + string.Join(';', Enumerable.Range(0, 10_000).Select(i => $"c{i}")) + "\n");
        FuzzTarget reader = target switch
        {
            "referrals" => new ReferralFileTarget(),
            "weeks-long" => new WeeksFileTarget(WeeksFileForm.Long),
            _ => new WeeksFileTarget(WeeksFileForm.Wide),
        };

        var outcome = reader.Execute(input, new Probe(precise: true));

        Assert.Equal(10_000, outcome.Rejections);
    }

    /// <summary>
    /// Wide rows whose every cell is bad (docs/fuzzing.md, F2): each bad cell is a rejection, and a rejection costs the
    /// same whatever the length of its row. It failed when each one split, joined and masked the whole row again.
    /// </summary>
    [Fact]
    public void Given_wide_rows_of_1100_bad_cells_when_read_then_each_cell_is_rejected_within_the_stated_time()
    {
        var columns = Enumerable.Range(0, 1100).Select(i => IsoWeek.Containing(new DateOnly(2000, 1, 10)).AddWeeks(i)).ToList();
        var sb = new StringBuilder("cpr;" + string.Join(';', columns.Select(WeeksFile.WideColumnName)) + "\n");
        var day = new DateOnly(1960, 1, 1);
        for (var person = 0; person < 200; person++)
            sb.Append(day.AddDays(person).ToString("ddMMyy", CultureInfo.InvariantCulture)).Append("1234").Append(string.Concat(Enumerable.Repeat(";x", 1100))).Append('\n');
        var input = Encoding.UTF8.GetBytes(sb.ToString());

        var outcome = new WeeksFileTarget(WeeksFileForm.Wide).Execute(input, new Probe(precise: true));

        Assert.Equal((0L, 200L * 1100), (outcome.Rows, outcome.Rejections));
    }

    /// <summary>
    /// An API page of half a million bad items, <c>{"items":[1,1,…]}</c> (docs/fuzzing.md, F9): every item is rejected and
    /// counted, and the memory kept stays within the stated bound. It failed when the parser kept every rejection in a
    /// list (119 B per byte of the page, bound 64).
    /// </summary>
    [Fact]
    public void Given_an_api_page_of_500000_bad_items_when_parsed_then_the_memory_kept_is_within_the_stated_bound()
    {
        var input = Encoding.UTF8.GetBytes("{\"items\":[" + string.Join(',', Enumerable.Repeat("1", 500_000)) + "]}");

        var outcome = new RegisterApiPageTarget(weeks: true).Execute(input, new Probe(precise: true, enforceTime: false));

        Assert.Equal((0L, 500_000L), (outcome.Rows, outcome.Rejections));
    }

    /// <summary>cpr;y_0002;…: <paramref name="persons"/> rows of distinct valid CPRs and <paramref name="weeks"/> empty cells.</summary>
    private static byte[] DensestWideFile(int persons, int weeks)
    {
        var columns = Enumerable.Range(0, weeks).Select(i => IsoWeek.Containing(new DateOnly(2000, 1, 10)).AddWeeks(i)).ToList();
        var sb = new StringBuilder("cpr;" + string.Join(';', columns.Select(WeeksFile.WideColumnName)) + "\n");
        var day = new DateOnly(1960, 1, 1);
        for (var person = 0; person < persons; person++)
            sb.Append(day.AddDays(person).ToString("ddMMyy", CultureInfo.InvariantCulture)).Append("1234").Append(';', weeks).Append('\n');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
