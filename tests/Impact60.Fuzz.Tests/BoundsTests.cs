using System.Text;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;
using Impact60.Fuzz.Tests.Targets;

namespace Impact60.Fuzz.Tests;

/// <summary>
/// The stated bounds (docs/fuzzing.md): the densest valid input must fit them (or they would flag correct readers), and
/// the inputs that made readers quadratic must not (or they would not catch one). Memory and allocation only: what a read
/// allocates depends on the input and the code, not on the machine's load. Processor time is the benchmark's
/// (<c>bench/Impact60.Bench -- read-bounds</c>, bench/README.md); tests do not time things.
/// </summary>
public sealed class BoundsTests
{
    /// <summary>
    /// The densest valid input there is: a wide file of empty cells, one byte (";") per week, each week a 24-byte
    /// RegisterWeek in the list the ingestion builds (which may have grown to twice its count). The stated memory bound
    /// must hold for it with room to spare, and so must the allocation bound, or they would flag correct readers.
    /// (Its processor time, which F3 once made several times its bound, is measured by the benchmark: bench/README.md.)
    /// </summary>
    [Fact]
    public void Given_the_densest_valid_wide_file_when_read_then_memory_and_allocation_are_within_the_stated_bounds()
    {
        var input = ReadBoundsInputs.DensestWideFile(persons: 800, weeks: 1100);
        var probe = new Probe(precise: true);

        var outcome = new WeeksFileTarget(WeeksFileForm.Wide).Execute(input, probe);

        Assert.Equal(800L * 1100, outcome.Rows);
        Assert.InRange(probe.Retained, 20L * input.Length, Bounds.Memory(input.Length));
        Assert.InRange(probe.Allocated, 20L * input.Length, Bounds.Allocation(input.Length));
    }

    /// <summary>
    /// A header with thousands of columns the reader does not know, one of them CPR-shaped (docs/fuzzing.md, F1): each is
    /// listed on line 1, and listing them costs work in proportion to the header, not to its square. It failed when every
    /// rejection masked the whole header line again: with something to mask, each pass copies the 59 KB header, 10,000
    /// copies, and the probe stops the read at its allocation bound. (Without a CPR-shaped name those passes allocate
    /// nothing and cost only processor time: bench/README.md "read-bounds" measures that.)
    /// </summary>
    [Theory]
    [InlineData("referrals")]
    [InlineData("weeks-long")]
    [InlineData("weeks-wide")]
    public void Given_a_header_with_10000_unknown_columns_one_CPR_shaped_when_read_then_each_is_listed_within_the_stated_allocation(string target)
    {
        var input = ReadBoundsInputs.HeaderWithUnknownColumns(ReadBoundsInputs.KnownHeader(target), 10_000, cprShapedMiddle: true);
        FuzzTarget reader = target switch
        {
            "referrals" => new ReferralFileTarget(),
            "weeks-long" => new WeeksFileTarget(WeeksFileForm.Long),
            _ => new WeeksFileTarget(WeeksFileForm.Wide),
        };
        var probe = new Probe(precise: true);

        var outcome = reader.Execute(input, probe);

        Assert.Equal(10_000, outcome.Rejections);
        Assert.InRange(probe.Allocated, 0, Bounds.Allocation(input.Length));
    }

    /// <summary>
    /// Wide rows whose every cell is bad (docs/fuzzing.md, F2): each bad cell is a rejection, and a rejection costs the
    /// same whatever the length of its row. It failed when each one split, joined and masked the whole row again: the
    /// probe stops the read at its allocation bound (before, at its 2.9 s time bound).
    /// </summary>
    [Fact]
    public void Given_wide_rows_of_1100_bad_cells_when_read_then_each_cell_is_rejected_within_the_stated_allocation()
    {
        var input = ReadBoundsInputs.WideRowsOfBadCells(persons: 200, weeks: 1100);
        var probe = new Probe(precise: true);

        var outcome = new WeeksFileTarget(WeeksFileForm.Wide).Execute(input, probe);

        Assert.Equal((0L, 200L * 1100), (outcome.Rows, outcome.Rejections));
        Assert.InRange(probe.Allocated, 0, Bounds.Allocation(input.Length));
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

        var outcome = new RegisterApiPageTarget(weeks: true).Execute(input, new Probe(precise: true));

        Assert.Equal((0L, 500_000L), (outcome.Rows, outcome.Rejections));
    }
}
