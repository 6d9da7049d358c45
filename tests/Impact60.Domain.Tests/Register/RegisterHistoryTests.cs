using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

public class RegisterHistoryTests
{
    private static readonly Pseudonym A = Person("010190-1234");
    private static readonly Pseudonym B = Person("020285-1234");

    private static RegisterWeek W(Pseudonym p, string week, string code) => new(p, IsoWeek.Parse(week), BenefitCode.Parse(code));

    [Fact]
    public void Given_a_revision_delivery_when_applied_after_the_first_then_the_later_code_wins_and_untouched_weeks_stay()
    {
        var history = new RegisterHistory();
        history.Apply([W(A, "2019-W14", ""), W(A, "2019-W15", ""), W(A, "2019-W16", "")]);

        history.Apply([W(A, "2019-W15", "130"), W(A, "2019-W17", "")]);

        Assert.Equal([W(A, "2019-W14", ""), W(A, "2019-W15", "130"), W(A, "2019-W16", ""), W(A, "2019-W17", "")], history.WeeksOf(A));
        Assert.Equal(4, history.Count);
    }

    [Fact]
    public void Given_a_revision_back_to_no_benefit_when_applied_then_the_week_is_no_benefit_again()
    {
        var history = new RegisterHistory();
        history.Apply([W(A, "2019-W15", "130")]);
        history.Apply([W(A, "2019-W15", "")]);

        Assert.True(Assert.Single(history.WeeksOf(A)).Code.IsNoBenefit);
    }

    [Fact]
    public void Given_deliveries_applied_in_the_other_order_then_the_one_applied_last_wins()
    {
        var first = new[] { W(A, "2019-W15", "") };
        var second = new[] { W(A, "2019-W15", "130") };
        var history = new RegisterHistory();

        history.Apply(second);
        history.Apply(first);

        Assert.True(Assert.Single(history.WeeksOf(A)).Code.IsNoBenefit);
    }

    [Fact]
    public void Given_weeks_arriving_out_of_order_and_persons_interleaved_when_read_back_then_each_person_is_in_week_order()
    {
        var history = new RegisterHistory();
        history.Apply([W(B, "2020-W02", "651"), W(A, "2020-W03", ""), W(B, "2020-W01", "651"), W(A, "2019-W52", "130")]);
        history.Apply([W(A, "2020-W01", "")]);

        Assert.Equal([W(A, "2019-W52", "130"), W(A, "2020-W01", ""), W(A, "2020-W03", "")], history.WeeksOf(A));
        Assert.Equal([W(B, "2020-W01", "651"), W(B, "2020-W02", "651")], history.WeeksOf(B));
        Assert.Equal(5, history.Count);
    }

    [Fact]
    public void Given_deliveries_about_different_persons_when_applied_in_either_order_then_the_history_is_the_same()
    {
        var aboutA = new[] { W(A, "2019-W14", ""), W(A, "2019-W15", "130") };
        var aboutB = new[] { W(B, "2019-W14", "421") };
        var one = new RegisterHistory();
        one.Apply(aboutA);
        one.Apply(aboutB);
        var other = new RegisterHistory();
        other.Apply(aboutB);
        other.Apply(aboutA);

        Assert.Equal(one.Persons, other.Persons);
        Assert.Equal(one.WeeksOf(A), other.WeeksOf(A));
        Assert.Equal(one.WeeksOf(B), other.WeeksOf(B));
        Assert.Equal(3, other.Count);
    }

    [Fact]
    public void Given_a_person_the_register_never_reported_when_asked_then_no_weeks_and_not_among_the_persons()
    {
        var history = new RegisterHistory();
        history.Apply([W(A, "2019-W14", "")]);

        Assert.Empty(history.WeeksOf(B));
        Assert.Equal([A], history.Persons);
    }

    [Fact]
    public void Given_two_week_files_read_by_the_reader_when_applied_in_delivery_order_then_the_revision_wins()
    {
        var history = new RegisterHistory();
        history.Apply(Weeks("cpr;week;code", "010190-1234;2019-W14;", "010190-1234;2019-W15;").Weeks);
        history.Apply(Weeks("cpr;y_1915;y_1916", "0101901234;130;").Weeks);

        Assert.Equal(["", "130", ""], history.WeeksOf(A).Select(w => w.Code.Value));
    }
}
