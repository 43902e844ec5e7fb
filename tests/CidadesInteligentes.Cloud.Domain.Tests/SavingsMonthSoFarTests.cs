using CidadesInteligentes.Cloud.Domain.Energy;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

/// <summary>The current month so far: every figure covers the same time, so the ratios match a whole month's.</summary>
public sealed class SavingsMonthSoFarTests
{
    private static readonly DateTimeOffset June1 = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Until_limits_the_aneel_view_ratios_and_completeness_to_the_month_so_far()
    {
        var city = TestCities.SaoCarlos();
        var until = June1.AddDays(10.5); // 11 June 12:00 local
        var readings = SavingsCalculatorTests.SteadyMonth().Where(r => r.Ts <= until).ToList();

        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires,
            new Dictionary<string, IReadOnlyList<EnergyReading>>(StringComparer.Ordinal) { ["sc-lum-000001"] = readings }, [], until);

        // measured 10.5 d × 0.96 kWh = 10.08 kWh; burn 10.5 d × 12 h = 126 h → Option B 170 W × 126 h = 21.42 kWh
        Assert.Equal(10.08, s.MeasuredKwh, 9);
        Assert.Equal(21.42, s.BaselineKwh, 9);
        // ANEEL for 10.5 days: 2 × 170 W × 11.45 h × 10.5 d / 1000 = 40.8765 kWh; LED 2 × 80 → 19.236 kWh
        Assert.Equal(40.8765, s.AneelBaselineKwh, 9);
        Assert.Equal(19.236, s.AneelLedKwh, 9);
        Assert.Equal(0.5 * 3.893, s.Daily[10].AneelBaselineKwh, 9); // half of 11 June
        // the days listed are 1–11 June, the days that have begun; no zero rows for the days to come
        Assert.Equal(11, s.Daily.Count);
        Assert.Equal(new DateOnly(2026, 6, 11), s.Daily[^1].Date);
        // spend before 40.8765 × 0.8 = 32.7012; after (estimated) 19.236 × 0.8 = 15.3888; bill savings 17.3124
        Assert.Equal(32.7012, s.SpendBeforeBrl, 9);
        Assert.Equal(15.3888, s.SpendAfterBrl, 9);
        Assert.Equal(17.3124, s.BillSavingsBrl, 9);
        // 10.5 of 30 days = 0.35 of the month: revenue 350,000, CIP 35,000
        // 32.7012 / 350,000 = 9.3432e-5; 17.3124 / 350,000 × 100 = 0.0049464 %; 15.3888 / 35,000 = 0.00043968
        // payback 1,000,000 × 0.35 / 17.3124 = 20,216.76… months: the same as the whole month's 1,000,000 / 49.464
        Assert.Equal(9.3432e-5, s.SpendToRevenueBefore, 12);
        Assert.Equal(0.0049464, s.SavingsPercentOfRevenue, 12);
        Assert.Equal(0.00043968, s.CostToCip!.Value, 12);
        Assert.Equal(1_000_000 / 49.464, s.PaybackMonths!.Value, 6);
        // 10 days have ended (1–10 June), all complete for luminaire 1, none for 2: 10 / 20
        Assert.Equal(0.5, s.Completeness, 12);
    }

    [Fact]
    public void A_month_that_has_not_started_has_no_aneel_view_ratio_or_payback()
    {
        var city = TestCities.SaoCarlos();
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires,
            new Dictionary<string, IReadOnlyList<EnergyReading>>(StringComparer.Ordinal), [], June1.AddDays(-1));
        Assert.Equal(0, s.AneelBaselineKwh);
        Assert.Equal(0, s.BillSavingsBrl);
        Assert.Equal(0, s.SpendToRevenueBefore);
        Assert.Null(s.CostToCip);
        Assert.Null(s.PaybackMonths);
        Assert.Equal(0, s.Completeness);
        Assert.Empty(s.Daily);
    }
}
