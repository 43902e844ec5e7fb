using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

/// <summary>The money ratios that have no value: cost ÷ CIP without CIP revenue, payback without bill savings.</summary>
public sealed class SavingsNullCasesTests
{
    private static readonly Dictionary<string, IReadOnlyList<EnergyReading>> NoReadings = new(StringComparer.Ordinal);

    private static CitySavings June(CityRecord city) => SavingsCalculator.Compute(city, "2026-06", city.Luminaires, NoReadings, []);

    private static List<LuminaireRecord> Two(double baselineW, double ledW) =>
    [
        new LuminaireRecord { Id = "sc-lum-000001", BaselineW = baselineW, LedW = ledW, LegacyTechnology = "HPS 150 W" },
        new LuminaireRecord { Id = "sc-lum-000002", BaselineW = baselineW, LedW = ledW, LegacyTechnology = "HPS 150 W" },
    ];

    [Fact]
    public void No_cip_revenue_gives_no_cost_to_cip_but_still_a_payback()
    {
        var city = TestCities.SaoCarlos();
        city.AnnualCipRevenueBrl = 0;

        var s = June(city);

        // spend after (estimated billing): 2 × 80 W × 11.45 h × 30 d / 1000 = 54.96 kWh × R$ 0.80 = R$ 43.968
        Assert.Equal(43.968, s.SpendAfterBrl, 9);
        // costToCip = 43.968 ÷ monthly CIP 0 → no value (not ∞, not 0)
        Assert.Null(s.CostToCip);
        // bill savings: before 2 × 170 × 11.45 × 30 / 1000 = 116.79 kWh × 0.8 = 93.432; 93.432 − 43.968 = 49.464
        // payback 1,000,000 ÷ 49.464 = 20,216.76… months
        Assert.Equal(49.464, s.BillSavingsBrl, 9);
        Assert.Equal(1_000_000 / 49.464, s.PaybackMonths!.Value, 6);
    }

    [Fact]
    public void No_bill_savings_gives_no_payback_but_still_a_cost_to_cip()
    {
        var city = TestCities.SaoCarlos();
        city.Luminaires = Two(baselineW: 80, ledW: 80);

        var s = June(city);

        // before and after: 2 × 80 W × 11.45 h × 30 d / 1000 = 54.96 kWh × 0.8 = R$ 43.968 → bill savings 0
        Assert.Equal(43.968, s.SpendBeforeBrl, 9);
        Assert.Equal(43.968, s.SpendAfterBrl, 9);
        Assert.Equal(0, s.BillSavingsBrl, 9);
        // payback = 1,000,000 ÷ 0 → no value: the financing is never paid back
        Assert.Null(s.PaybackMonths);
        // costToCip = 43.968 ÷ 100,000 monthly CIP = 0.00043968
        Assert.Equal(0.00043968, s.CostToCip!.Value, 12);
    }

    [Fact]
    public void A_retrofit_that_costs_more_gives_no_payback()
    {
        var city = TestCities.SaoCarlos();
        city.Luminaires = Two(baselineW: 80, ledW: 90);

        var s = June(city);

        // 2 luminaires × 11.45 h × 30 d = 687 luminaire-hours; before 80 W → 54.96 kWh, after 90 W → 61.83 kWh
        // bill savings (54.96 − 61.83) × 0.8 = −6.87 × 0.8 = −R$ 5.496: a loss, so no payback (not a negative one)
        Assert.Equal(-5.496, s.BillSavingsBrl, 9);
        Assert.Null(s.PaybackMonths);
    }
}
