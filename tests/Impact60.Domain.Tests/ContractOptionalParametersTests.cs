using Impact60.Domain.Contracts;
using static Impact60.Domain.Tests.ContractLoaderTests;
using static Impact60.Domain.Tests.EntitlementTestData;

namespace Impact60.Domain.Tests;

/// <summary>
/// docs/contract-file.md: <c>allowReReferral</c> and <c>maxCourseEndWeeksAhead</c> are optional; absent (or null) means
/// the default, present means what it says, within its range.
/// </summary>
public class ContractOptionalParametersTests
{
    [Fact]
    public void Given_neither_parameter_then_re_referral_is_off_and_a_course_end_may_lie_52_weeks_ahead()
    {
        var c = ContractLoader.Load(SampleJson, "impact60.contract.json");
        Assert.False(c.AllowReReferral);
        Assert.Equal(52, c.MaxCourseEndWeeksAhead);
    }

    [Theory]
    [InlineData("true", "0", true, 0)]
    [InlineData("false", "520", false, 520)]
    [InlineData("null", "null", false, 52)]
    public void Given_the_parameters_then_the_contract_carries_them(string allow, string ahead, bool expectedAllow, int expectedAhead)
    {
        var c = ContractLoader.Load(Mutate("allowReReferral", allow, Mutate("maxCourseEndWeeksAhead", ahead)), "options.json");
        Assert.Equal((expectedAllow, expectedAhead), (c.AllowReReferral, c.MaxCourseEndWeeksAhead));
    }

    [Theory]
    [InlineData("allowReReferral", "\"yes\"", "must be true or false, not a string")]
    [InlineData("allowReReferral", "1", "must be true or false, not a number")]
    [InlineData("maxCourseEndWeeksAhead", "521", "must be at most 520 weeks (10 years) (found 521)")]
    [InlineData("maxCourseEndWeeksAhead", "-1", "must be 0 or more weeks (found -1)")]
    [InlineData("maxCourseEndWeeksAhead", "2.5", "must be a whole number (found 2.5)")]
    [InlineData("maxCourseEndWeeksAhead", "\"52\"", "must be a number, not a string")]
    public void A_wrong_value_is_reported_with_its_path(string property, string valueJson, string message)
    {
        var ex = Assert.Throws<ContractException>(() => ContractLoader.Load(Mutate(property, valueJson), "broken.json"));
        Assert.Equal($"$.{property}: {message}", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void A_contract_file_above_1_MiB_is_refused_without_being_read()
    {
        var dir = Directory.CreateTempSubdirectory("impact60-contract-");
        try
        {
            // Given a file of 1 MiB + 1 byte (zeros: not even JSON), then it is refused for its size alone
            var big = Path.Combine(dir.FullName, "big.json");
            using (var f = File.Create(big)) f.SetLength(ContractLimits.MaxBytes + 1);
            var ex = Assert.Throws<ContractException>(() => ContractLoader.LoadFile(big));
            Assert.Equal("$: the contract is 1048577 bytes; at most 1048576 bytes (1 MiB) are accepted", Assert.Single(ex.Errors).ToString());
            Assert.Equal("big.json", ex.SourceName);

            // and the shipped contract loads from its file.
            Assert.Equal("IMPACT60", ContractLoader.LoadFile(Path.Combine(RepositoryRoot, "samples", "impact60.contract.json")).Programme);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
