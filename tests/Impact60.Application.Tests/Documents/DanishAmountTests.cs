using Impact60.Application.Documents;

namespace Impact60.Application.Tests.Documents;

public sealed class DanishAmountTests
{
    [Theory]
    [InlineData("91150", "91.150,00 kr.")]
    [InlineData("113937.5", "113.937,50 kr.")]
    [InlineData("0", "0,00 kr.")]
    [InlineData("385", "385,00 kr.")]
    [InlineData("1234567.891", "1.234.567,89 kr.")]
    [InlineData("0.005", "0,01 kr.")]       // midpoint rounds away from zero
    [InlineData("-3980", "-3.980,00 kr.")]
    public void Given_an_amount_when_formatted_then_it_reads_the_Danish_way(string amount, string expected) =>
        Assert.Equal(expected, DanishAmount.Format(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
}
