using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Reports;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Reports;

public sealed class ReportSetTests
{
    [Fact]
    public void A_failing_city_makes_the_set_not_compliant_and_is_named_in_the_state_report()
    {
        // Barra Bonita: point 5 silent → 4 of 5 compliant points → not compliant; São Carlos: 5 of 5
        var sc = ReportInputs.Input(ReportInputs.City());
        var bb = ReportInputs.Input(ReportInputs.City("3505302", "Barra Bonita", "bb"), silentPoints: 1);
        var set = ReportInputs.Builder().Build(ReportInputs.Month, [sc, bb]);

        Assert.False(set.AllCompliant);
        Assert.Equal(ReportSet.NotCompliantExitCode, set.ExitCode);
        Assert.Equal(["3505302", "3548906"], set.Cities.Select(c => c.Ibge)); // IBGE order
        Assert.False(set.Cities[0].Compliant);
        Assert.True(set.Cities[1].Compliant);
        var failing = Assert.Single(set.State.FailingCities);
        Assert.Equal("Barra Bonita", failing.Name);
        Assert.Equal(4, failing.CompliantPoints);
        Assert.Equal(1, set.State.CompliantCities);
        Assert.Equal(3, set.All.Count());

        // state totals are StateSavings.Aggregate's numbers
        var expected = StateSavings.Aggregate(ReportInputs.Month, [sc.Item2, bb.Item2]);
        Assert.Equal(expected.SavingsBrl, set.State.Savings.SavingsBrl);
        Assert.Equal(expected.BillSavingsBrl, set.State.Savings.BillSavingsBrl);
        Assert.Equal(expected.Completeness, set.State.Savings.Completeness);
        Assert.Equal(2 * 25.92, set.State.Savings.SavingsBrl, 9);

        var stateCsv = Csv.Sections(ReportRenderer.RenderCsv(set.State));
        Assert.Equal("3505302", stateCsv["report"][0]["failingCities"]);
        Assert.Equal(["false", "true"], stateCsv["cities"].Select(r => r["compliant"]));
        Assert.Contains("NÃO CONFORME", ReportRenderer.RenderHtml(set.State), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_city_compliant_makes_the_set_compliant()
    {
        var set = ReportInputs.Builder().Build(ReportInputs.Month,
            [ReportInputs.Input(ReportInputs.City()), ReportInputs.Input(ReportInputs.City("3505302", "Barra Bonita", "bb"))]);
        Assert.True(set.AllCompliant);
        Assert.Equal(0, set.ExitCode);
        Assert.Empty(set.State.FailingCities);
        Assert.Contains(">CONFORME<", ReportRenderer.RenderHtml(set.State), StringComparison.Ordinal);
    }

    [Fact]
    public void Results_of_another_city_month_or_a_repeated_city_are_refused()
    {
        var sc = ReportInputs.City();
        var bb = ReportInputs.City("3505302", "Barra Bonita", "bb");
        var builder = ReportInputs.Builder();
        Assert.Throws<ArgumentException>(() => builder.BuildCity(ReportInputs.Month, sc, ReportInputs.Savings(bb), ReportInputs.Wifi(sc)));
        Assert.Throws<ArgumentException>(() => builder.BuildCity("2026-07", sc, ReportInputs.Savings(sc), ReportInputs.Wifi(sc)));
        var input = ReportInputs.Input(sc);
        Assert.Throws<ArgumentException>(() => builder.Build(ReportInputs.Month, [input, input]));
    }
}
