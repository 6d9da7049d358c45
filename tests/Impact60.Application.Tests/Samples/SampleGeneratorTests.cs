using System.Text;
using Impact60.Cli.Samples;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;

namespace Impact60.Application.Tests.Samples;

public class SampleGeneratorTests
{
    private static readonly Pseudonymizer Pseudonymizer = new(Encoding.ASCII.GetBytes("impact60-sample-tests-fixed-key-0123456789"));
    private static readonly IsoWeek LatestAllowed = new(2022, 4);

    private static string SamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Impact60.sln")))
                return Path.Combine(dir.FullName, "samples");
        throw new InvalidOperationException("Impact60.sln not found above " + AppContext.BaseDirectory);
    }

    private static Stream Open(SampleSet set, string name) =>
        new MemoryStream(Encoding.UTF8.GetBytes(set.Files.Single(f => f.Name == name).Content));

    [Fact]
    public void Given_the_default_seed_when_regenerated_then_the_files_are_byte_identical_to_those_committed_in_samples()
    {
        var folder = Path.Combine(Path.GetTempPath(), "impact60-samples-" + Guid.NewGuid().ToString("N"));
        try
        {
            SampleGenerator.Generate(new SampleOptions()).WriteTo(folder);

            var committed = SamplesFolder();
            foreach (var name in new[] { SampleGenerator.ReferralsFile, SampleGenerator.LongFormFile, SampleGenerator.WideFormFile, SampleGenerator.RevisionFile })
                Assert.True(File.ReadAllBytes(Path.Combine(committed, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, name))),
                    $"samples/{name} differs from what seed 60 generates: regenerate the samples or restore the generator");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Given_the_same_options_twice_then_the_same_files_and_another_seed_gives_other_files()
    {
        var one = SampleGenerator.Generate(new SampleOptions());
        var again = SampleGenerator.Generate(new SampleOptions());
        var other = SampleGenerator.Generate(new SampleOptions { Seed = 61 });

        Assert.Equal(one.Files, again.Files);
        Assert.NotEqual(one.Files.Single(f => f.Name == SampleGenerator.LongFormFile), other.Files.Single(f => f.Name == SampleGenerator.LongFormFile));
    }

    [Fact]
    public void Given_the_samples_when_read_then_every_referral_is_taken_with_its_fokus_ref_business_and_course_dates_in_range()
    {
        var set = SampleGenerator.Generate(new SampleOptions());
        var rejections = new List<Rejection>();

        var referrals = ReferralFile.Read(Open(set, SampleGenerator.ReferralsFile), SampleGenerator.ReferralsFile, Pseudonymizer, rejections).ToList();

        Assert.Empty(rejections);
        Assert.Equal(120, referrals.Count);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"F-{i:D3}"), referrals.Select(r => r.FokusRef));
        Assert.Equal("JC-2018-0001", referrals[0].ReferralId);
        Assert.Equal(new DateOnly(2018, 9, 27), referrals[0].ReferredOn);
        Assert.All(referrals, r => Assert.InRange(r.ReferredOn, new DateOnly(2018, 9, 27), new DateOnly(2019, 9, 30)));
        Assert.All(referrals, r => Assert.Contains(r.Business, new[] { "KaffeFair", "Facility Service", "Butik ByRetro" }));
        var stillInCourseOrDroppedOut = referrals.Count(r => r.CourseEnd is null || r.CourseEnd.Value.DayNumber - r.CourseStart.DayNumber < 13 * 7);
        Assert.InRange(stillInCourseOrDroppedOut, 6, 20);
        Assert.All(referrals.Where(r => r.CourseEnd is not null && r.CourseEnd.Value.DayNumber - r.CourseStart.DayNumber >= 13 * 7),
            r => Assert.InRange(r.CourseEnd!.Value.DayNumber - r.CourseStart.DayNumber, 13 * 7, 40 * 7));
    }

    [Fact]
    public void Given_the_weeks_deliveries_when_read_in_order_then_only_the_two_deliberately_broken_rows_are_rejected_and_the_revision_changes_old_weeks()
    {
        var set = SampleGenerator.Generate(new SampleOptions());
        var rejections = new List<Rejection>();
        List<RegisterWeek> Read(string name) => WeeksFile.Read(Open(set, name), name, Pseudonymizer, LatestAllowed, rejections).ToList();

        var first = new RegisterHistory();
        first.Apply(Read(SampleGenerator.LongFormFile));
        first.Apply(Read(SampleGenerator.WideFormFile));
        var revised = new RegisterHistory();
        revised.Apply(Read(SampleGenerator.LongFormFile));
        revised.Apply(Read(SampleGenerator.WideFormFile));
        revised.Apply(Read(SampleGenerator.RevisionFile));

        Assert.Equal(
            ["week: ISO year 2021 has weeks 1 to 52, not 54", "code: benefit code '13O' must be 1 to 4 digits or empty"],
            rejections.Select(r => r.Reason).Distinct());
        Assert.All(rejections, r => Assert.Equal(SampleGenerator.RevisionFile, r.File));
        Assert.Equal(120, revised.Persons.Count());

        var changedToBenefit = 0;
        var changedToNoBenefit = 0;
        foreach (var person in revised.Persons)
        {
            var before = first.WeeksOf(person).ToDictionary(w => w.Week, w => w.Code);
            foreach (var w in revised.WeeksOf(person).Where(w => w.Week <= SampleGenerator.WideFormThrough && before.TryGetValue(w.Week, out var code) && code != w.Code))
                if (w.Code.IsNoBenefit) changedToNoBenefit++; else changedToBenefit++;
        }
        Assert.True(changedToBenefit > 0, "the revision should turn some self-supporting weeks into benefit weeks (a credit note)");
        Assert.True(changedToNoBenefit > 0, "the revision should turn some benefit weeks into self-supporting weeks (a supplement)");
        Assert.True(revised.Count > first.Count, "the revision fills a data gap and adds new weeks");
    }

    [Fact]
    public void Given_the_samples_then_after_the_course_some_citizens_are_self_supporting_in_flex_jobs_or_in_education_and_a_few_weeks_are_missing()
    {
        var set = SampleGenerator.Generate(new SampleOptions());
        var rejections = new List<Rejection>();
        var weeks = WeeksFile.Read(Open(set, SampleGenerator.LongFormFile), SampleGenerator.LongFormFile, Pseudonymizer, LatestAllowed, rejections).ToList();

        var codes = weeks.GroupBy(w => w.Code.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Contains("", codes.Keys);
        Assert.Contains(codes.Keys, c => SampleGenerator.FlexJobCodes.Contains(c));
        Assert.Contains(codes.Keys, c => SampleGenerator.EducationCodes.Contains(c));
        Assert.True(codes.Where(c => SampleGenerator.BenefitCodes.Contains(c.Key)).Sum(c => c.Value) > weeks.Count / 2, "benefit weeks dominate, as in a cash-benefit target group");
        var expectedPerPerson = SampleGenerator.LongFormThrough.WeeksSince(new IsoWeek(2018, 27)) + 1;
        var personsWithGaps = weeks.GroupBy(w => w.Person).Count(g => g.Count() < expectedPerPerson);
        Assert.InRange(personsWithGaps, 1, 5);
    }

    [Fact]
    public void Given_the_sample_cprs_then_all_are_valid_fictitious_numbers_with_a_99xx_serial_failing_modulus_11()
    {
        var set = SampleGenerator.Generate(new SampleOptions());
        var lines = set.Files.Single(f => f.Name == SampleGenerator.ReferralsFile).Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1);

        foreach (var cpr in lines.Select(l => l.Split(';')[1]))
        {
            Assert.True(Cpr.TryParse(cpr, out _, out _), "sample CPR must be valid");
            Assert.StartsWith("99", cpr[7..]);
            var digits = cpr.Replace("-", "", StringComparison.Ordinal);
            int[] weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
            Assert.NotEqual(0, digits.Select((d, i) => (d - '0') * weights[i]).Sum() % 11);
        }
    }
}
