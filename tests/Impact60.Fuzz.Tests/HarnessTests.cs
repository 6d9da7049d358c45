using System.Text;
using CsCheck;
using Impact60.Domain.Register;
using Impact60.Fuzz.Tests.Harness;
using Impact60.Fuzz.Tests.Targets;

namespace Impact60.Fuzz.Tests;

/// <summary>
/// The harness checked on its own: a fuzz run is only as good as its model of the input, its checks and its reproducers.
/// </summary>
public sealed class HarnessTests
{
    [Fact]
    public void Given_any_mix_of_CR_LF_and_CRLF_when_the_model_splits_lines_then_it_agrees_with_StreamReader()
    {
        Gen.Char["ab;\r\n "].Array[0, 60].Select(cs => new string(cs)).Sample(text =>
        {
            var expected = new List<string>();
            using (var reader = new StringReader(text))
                while (reader.ReadLine() is { } line) expected.Add(line);
            Assert.Equal(expected, ExtractModel.SplitLines(text));
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void Given_the_same_case_twice_when_built_then_the_bytes_are_the_same()
    {
        var target = new WeeksFileTarget(WeeksFileForm.Wide);
        var runner = new FuzzRunner(target, FuzzOptions.FromEnvironment(target) with { Limits = FuzzLimits.Bounded });
        Gen.Select(Gen.Enum<OpKind>(), Gen.UInt, Gen.UInt, Gen.Int[0, 5000]).Select((k, a, b, n) => new FuzzCase(1, [new Op(k, a, b, n)])).Sample(c =>
            Assert.Equal(runner.Build(c), runner.Build(c)), iter: 300, threads: 1);
    }

    [Fact]
    public void Given_a_failure_that_needs_one_line_when_minimized_then_only_that_line_and_its_bytes_remain()
    {
        var input = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 200).Select(i => i == 137 ? "bad;x;y" : $"line {i};1;2")) + "\n");

        var minimal = Minimizer.Minimize(input, b => Encoding.UTF8.GetString(b).Contains("bad", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.Equal("bad", Encoding.UTF8.GetString(minimal));
    }

    [Fact]
    public void Given_a_CPR_in_a_rejection_reason_when_checked_then_it_is_a_violation_that_does_not_print_the_digits()
    {
        var v = Assert.Throws<Violation>(() => Invariants.CprFree("cpr '010399-9915' is not a referral", "a rejection reason"));

        Assert.Equal("CPR-shaped text in a rejection reason", v.Invariant);
        Assert.DoesNotContain("9915", v.Message, StringComparison.Ordinal);
        Assert.Contains("⟪CPR-shaped run of 11 characters with a dash", v.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_case_that_has_allocated_more_than_its_bound_when_the_probe_ticks_then_the_case_is_stopped_at_the_allocation_bound()
    {
        var probe = new Probe(precise: false);
        probe.Begin(inputBytes: 1_000);
        var held = new List<byte[]>();
        while (held.Count * 1_000_000L < Bounds.Allocation(1_000) - 1_000_000)
        {
            held.Add(new byte[1_000_000]);
            probe.Tick(); // within the bound: nothing happens
        }

        held.Add(new byte[2_000_000]);
        var v = Assert.Throws<Violation>(probe.Tick);

        Assert.Equal("allocation bound", v.Invariant);
        Assert.StartsWith("stopped after", v.Detail, StringComparison.Ordinal);
        GC.KeepAlive(held);
    }

    [Fact]
    public void Given_a_long_form_file_whose_line_ended_as_nothing_when_accounted_then_it_is_a_violation()
    {
        // Line 3 is a data line; a reader that dropped it silently would yield one week for two data lines.
        var model = ExtractModel.Of(Encoding.UTF8.GetBytes("cpr;week;code\n0103999915;2019-W01;\n0103999915;2019-W02;\n"));
        var tally = new LineTally(model.LineCount);

        Assert.Equal(2, WeeksFileTarget.ExpectedWeeks(model, tally));
        tally.Rejection(3);
        Assert.Equal(1, WeeksFileTarget.ExpectedWeeks(model, tally));
        tally.Rejection(3);
        Assert.Equal("rows not accounted", Assert.Throws<Violation>(() => WeeksFileTarget.ExpectedWeeks(model, tally)).Invariant);
    }

    [Fact]
    public void Given_a_wide_file_when_accounted_then_a_good_row_owes_a_week_or_a_rejection_per_week_column_and_a_bad_row_one_rejection()
    {
        // 3 columns besides cpr, one of them rejected at the header: 2 week columns. Line 2 good, line 3 has no CPR.
        var model = ExtractModel.Of(Encoding.UTF8.GetBytes("cpr;y_1901;y_1902;notaweek\n0103999915;130;;x\nnobody;1;2;3\n"));
        var tally = new LineTally(model.LineCount);
        tally.Rejection(1);
        tally.Rejection(3);
        Assert.Equal(2, WeeksFileTarget.ExpectedWeeks(model, tally));

        tally.Rejection(2);
        Assert.Equal(1, WeeksFileTarget.ExpectedWeeks(model, tally));

        tally.Rejection(3);
        Assert.Equal("rows not accounted", Assert.Throws<Violation>(() => WeeksFileTarget.ExpectedWeeks(model, tally)).Invariant);
    }
}
