using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

public sealed class PtBrNumberTests
{
    [Theory]
    [InlineData("1.234,5", 1234.5, 0.05)]
    [InlineData("R$\u00a01.234.567,89", 1234567.89, 0.005)]
    [InlineData("12,34 %", 12.34, 0.005)]
    [InlineData("-R$\u00a03,10", -3.1, 0.005)]
    [InlineData("42", 42, 0.5)]
    public void Reads_numbers_formatted_with_pt_BR_rules(string text, double value, double halfUnit)
    {
        Assert.Equal(value, PtBrNumber.Parse(text)!.Value, 9);
        Assert.Equal(halfUnit, PtBrNumber.HalfUnitOfLastDigit(text), 12);
    }

    [Fact]
    public void A_dash_means_no_value()
    {
        Assert.Null(PtBrNumber.Parse("—"));
    }
}
