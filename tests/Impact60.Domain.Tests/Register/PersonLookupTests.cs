using System.Globalization;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using static Impact60.Domain.Tests.Register.ExtractFiles;

namespace Impact60.Domain.Tests.Register;

/// <summary>
/// What the readers remember per person while they pass over a whole-register extract for a few participants
/// (the preview: 120 referred persons among hundreds of thousands).
/// </summary>
public class PersonLookupTests
{
    private static readonly Pseudonym Kept = Person("010190-1234");

    /// <summary>Distinct fictitious CPRs 0201YY-SSSS that are not <see cref="Kept"/>.</summary>
    private static string Other(int i) => string.Create(CultureInfo.InvariantCulture, $"02{1 + i % 12:D2}{i / 12 % 100:D2}-{9000 + i / 1200:D4}");

    [Fact]
    public void Given_a_filter_that_keeps_one_person_when_a_thousand_others_are_read_twice_in_three_spellings_then_only_the_kept_persons_text_and_pseudonym_are_remembered_and_each_person_is_hashed_once()
    {
        var hashed = 0;
        var lookup = new PersonLookup(ExtractFiles.Pseudonymizer, p => { hashed++; return p == Kept; });

        for (var round = 0; round < 2; round++)
        {
            Assert.True(lookup.TryResolve("010190-1234", out var person, out var index, out _));
            Assert.Equal((Kept, 0), (person, index));
            for (var i = 0; i < 1_000; i++)
            {
                var dashed = Other(i);
                foreach (var spelling in new[] { dashed, dashed.Replace("-", "", StringComparison.Ordinal), $" {dashed} " })
                {
                    Assert.True(lookup.TryResolve(spelling, out _, out var otherIndex, out var error), error);
                    Assert.Equal(-1, otherIndex);
                }
            }
        }

        // Before: every spelling of every person was remembered with its pseudonym (~250 bytes each) and hashed once per spelling.
        Assert.Equal(1, lookup.TextsRemembered);
        Assert.Equal(1_001, hashed);
    }

    [Theory]
    [InlineData("310290-1234", "cpr: CPR's first six digits are not a valid date (DDMMYY)")]
    [InlineData("020190-12345", "cpr: CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS")]
    [InlineData("02019O-1234", "cpr: CPR must be 10 digits, as DDMMYY-SSSS or DDMMYYSSSS")]
    [InlineData("", "cpr is empty")]
    public void Given_a_filter_when_a_bad_cpr_comes_after_good_rows_of_persons_not_kept_then_it_is_still_rejected_every_time(string bad, string reason)
    {
        var lookup = new PersonLookup(ExtractFiles.Pseudonymizer, p => p == Kept);
        Assert.True(lookup.TryResolve("020190-1234", out _, out _, out _));
        Assert.True(lookup.TryResolve("0201901234", out _, out _, out _));

        for (var round = 0; round < 2; round++)
        {
            Assert.False(lookup.TryResolve(bad, out _, out var index, out var error));
            Assert.Equal((-1, reason), (index, error));
        }
    }

    [Fact]
    public void Given_a_filter_when_the_kept_person_comes_in_both_spellings_after_others_then_both_are_the_same_kept_person()
    {
        var lookup = new PersonLookup(ExtractFiles.Pseudonymizer, p => p == Kept);
        Assert.True(lookup.TryResolve("020190-1234", out _, out _, out _));

        Assert.True(lookup.TryResolve("0101901234", out var undashed, out var first, out _));
        Assert.True(lookup.TryResolve("010190-1234", out var dashed, out var second, out _));

        Assert.Equal([(Kept, 0), (Kept, 0)], new[] { (undashed, first), (dashed, second) });
    }
}
