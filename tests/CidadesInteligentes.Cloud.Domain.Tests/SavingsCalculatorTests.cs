using CidadesInteligentes.Cloud.Domain.Energy;
using CidadesInteligentes.Cloud.Domain.Registry;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class SavingsCalculatorTests
{
    // June 2026 in São Paulo: local midnight 1 June = 03:00Z (UTC−3, no daylight saving)
    private static readonly DateTimeOffset June1 = new(2026, 6, 1, 3, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<BaselineAdjustment> NoAdjustments = [];

    /// <summary>Every 15 min from 1 June 00:00 to 1 July 00:00 local: +10 Wh and +450 s burn per step.</summary>
    internal static List<EnergyReading> SteadyMonth()
    {
        var list = new List<EnergyReading>(2881);
        for (var i = 0; i <= 30 * 96; i++)
        {
            list.Add(new EnergyReading(i + 1, June1.AddMinutes(15 * i), 10.0 * i, 450L * i));
        }
        return list;
    }

    private static Dictionary<string, IReadOnlyList<EnergyReading>> Only(string device, IReadOnlyList<EnergyReading> r) =>
        new(StringComparer.Ordinal) { [device] = r };

    [Fact]
    public void Worked_month_one_luminaire_reporting_one_silent()
    {
        var city = TestCities.SaoCarlos();
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", SteadyMonth()), NoAdjustments);

        // 96 steps/day × 10 Wh = 960 Wh/day × 30 days = 28.8 kWh; burn 96 × 450 s = 12 h/day → 360 h
        Assert.Equal(28.8, s.MeasuredKwh, 9);
        Assert.Equal(360, s.BurningHours, 9);
        // Option B: 170 W × 360 h / 1000 = 61.2 kWh; savings 61.2 − 28.8 = 32.4 kWh; × R$ 0.80 = R$ 25.92
        Assert.Equal(61.2, s.BaselineKwh, 9);
        Assert.Equal(32.4, s.SavingsKwh, 9);
        Assert.Equal(25.92, s.SavingsBrl, 9);
        // ANEEL view counts the silent luminaire too: 2 × 170 W × 11.45 h × 30 d / 1000 = 116.79 kWh; LED 2 × 80 → 54.96
        Assert.Equal(116.79, s.AneelBaselineKwh, 9);
        Assert.Equal(54.96, s.AneelLedKwh, 9);
        Assert.Equal(61.83, s.AneelSavingsKwh, 9);
        // spend before 116.79 × 0.8 = 93.432; after (estimated billing) 54.96 × 0.8 = 43.968; bill savings 49.464
        Assert.Equal(93.432, s.SpendBeforeBrl, 9);
        Assert.Equal(43.968, s.SpendAfterBrl, 9);
        Assert.Equal(49.464, s.BillSavingsBrl, 9);
        // monthly revenue 1,000,000; CIP 100,000
        Assert.Equal(93.432e-6, s.SpendToRevenueBefore, 12);
        Assert.Equal(43.968e-6, s.SpendToRevenueAfter, 12);
        Assert.Equal(0.0049464, s.SavingsPercentOfRevenue, 12);
        Assert.Equal(0.00043968, s.CostToCip!.Value, 12);
        // payback 1,000,000 / 49.464 = 20216.7637... months
        Assert.Equal(1_000_000 / 49.464, s.PaybackMonths!.Value, 6);
        // CO2: 32.4 kWh / 1000 × 0.0385 = 0.0012474 t
        Assert.Equal(0.0012474, s.Co2AvoidedT, 12);
        // 30 complete days of 60 luminaire-days
        Assert.Equal(0.5, s.Completeness, 12);
        Assert.Equal(1, s.ReportingLuminaires);
        Assert.Equal(2, s.InventoryLuminaires);
        Assert.Equal(30, s.Daily.Count);
        Assert.Equal(new DateOnly(2026, 6, 1), s.Daily[0].Date);
        Assert.Equal(0.96, s.Daily[0].MeasuredKwh, 9);
        Assert.Equal(2.04, s.Daily[0].BaselineKwh, 9);   // 170 W × 12 h
        Assert.Equal(3.893, s.Daily[0].AneelBaselineKwh, 9); // 2 × 170 × 11.45 / 1000
        Assert.Equal("2026-06", s.Month);
    }

    [Fact]
    public void Metered_city_bills_the_measured_energy()
    {
        var city = TestCities.SaoCarlos(BillingModes.Metered);
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", SteadyMonth()), NoAdjustments);
        // 28.8 kWh × 0.8 = 23.04; bill savings 93.432 − 23.04 = 70.392
        Assert.Equal(23.04, s.SpendAfterBrl, 9);
        Assert.Equal(70.392, s.BillSavingsBrl, 9);
    }

    [Fact]
    public void Meter_replacement_counts_the_new_register_from_zero_and_is_recorded()
    {
        var city = TestCities.SaoCarlos();
        var t = June1.AddDays(9).AddHours(12); // 10 June 12:00 local
        var readings = new List<EnergyReading>
        {
            new(1, t, 5000, 36000),
            new(2, t.AddHours(1), 5100, 39600),
            new(3, t.AddHours(2), 30, 1800),     // new meter: 30 Wh and 0.5 h since it was fitted
            new(4, t.AddHours(3), 130, 5400),
        };
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", readings), NoAdjustments);
        // 100 + 30 + 100 = 230 Wh, never the −5070 Wh delta; hours 1 + 0.5 + 1 = 2.5 h → baseline 170 × 2.5 = 425 Wh
        Assert.Equal(0.230, s.MeasuredKwh, 9);
        Assert.Equal(2.5, s.BurningHours, 9);
        Assert.Equal(0.425, s.BaselineKwh, 9);
        var adj = Assert.Single(s.Adjustments);
        Assert.Equal(SavingsAdjustment.MeterReplaced, adj.Kind);
        Assert.Equal(t.AddHours(2), adj.At);
        Assert.Equal(0.230, s.Daily[9].MeasuredKwh, 9);
    }

    [Fact]
    public void Duplicates_and_out_of_order_readings_count_once()
    {
        var city = TestCities.SaoCarlos();
        var t = June1.AddDays(2).AddHours(20);
        var readings = new List<EnergyReading>
        {
            new(3, t.AddMinutes(30), 40, 1800),
            new(1, t, 0, 0),
            new(2, t.AddMinutes(15), 20, 900),
            new(2, t.AddMinutes(15), 20, 900), // duplicate delivery
            new(3, t.AddMinutes(30), 40, 1800),
        };
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", readings), NoAdjustments);
        // 40 Wh in 0.5 h → baseline 170 × 0.5 = 85 Wh
        Assert.Equal(0.040, s.MeasuredKwh, 9);
        Assert.Equal(0.085, s.BaselineKwh, 9);
        Assert.Empty(s.Adjustments);
    }

    [Fact]
    public void Gap_across_midnight_is_split_by_time_and_both_days_are_incomplete()
    {
        var city = TestCities.SaoCarlos();
        var t = June1.AddDays(9).AddHours(23); // 10 June 23:00 local
        var readings = new List<EnergyReading>
        {
            new(1, June1, 0, 0), // brackets the whole period from its start
            new(2, t, 1000, 3600),
            new(3, t.AddHours(2), 1200, 10800), // 11 June 01:00: 2 h gap, 200 Wh, 2 h burn
            new(4, June1.AddDays(30), 1300, 14400),
        };
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", readings), NoAdjustments);
        // the 23:00→01:00 step: 1 h of 2 on each side of midnight → 100 Wh each day; 11 June also gets 23 h of the
        // 01:00 → 1 July step (100 Wh over 19 d 23 h = 479 h)
        Assert.Equal((100 + 100.0 * 23 / 479) / 1000, s.Daily[10].MeasuredKwh, 9);
        // day 10: part of the 1 June→10 June 23:00 step (1000 Wh over 9 d 23 h = 239 h, 23 h on 10 June) + 100 Wh
        Assert.Equal((1000.0 * 23 / 239 + 100) / 1000, s.Daily[9].MeasuredKwh, 9);
        Assert.Equal(1.3, s.MeasuredKwh, 9);
        // every day has a gap > 1 h between its readings: nothing is complete
        Assert.Equal(0, s.Completeness);
    }

    [Fact]
    public void Luminaire_with_no_data_counts_in_aneel_view_and_completeness_but_not_in_measured()
    {
        var city = TestCities.SaoCarlos();
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, new Dictionary<string, IReadOnlyList<EnergyReading>>(), NoAdjustments);
        Assert.Equal(0, s.MeasuredKwh);
        Assert.Equal(0, s.BaselineKwh);
        Assert.Equal(0, s.ReportingLuminaires);
        Assert.Equal(116.79, s.AneelBaselineKwh, 9);
        Assert.Equal(0, s.Completeness);
        // estimated billing still saves on the bill: the inventory load went from 170 W to 80 W
        Assert.Equal(1_000_000 / 49.464, s.PaybackMonths!.Value, 6);
        Assert.Equal(49.464, s.BillSavingsBrl, 9);
    }

    [Fact]
    public void Baseline_adjustment_applies_from_its_day()
    {
        var city = TestCities.SaoCarlos();
        IReadOnlyList<BaselineAdjustment> adj =
        [
            new BaselineAdjustment { Device = "sc-lum-000001", EffectiveFrom = new DateOnly(2026, 6, 16), BaselineW = 250, Reason = "survey found HPS 250 W", ApprovedBy = "auditor" },
        ];
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", SteadyMonth()), adj);
        // 15 d × 12 h × 170 W = 30.6 kWh + 15 d × 12 h × 250 W = 45 kWh → 75.6 kWh
        Assert.Equal(75.6, s.BaselineKwh, 9);
        // ANEEL: (170 × 30 + 250 × 15 + 170 × 15) × 11.45 / 1000 = (5100 + 6300) × 11.45 / 1000 = 130.53
        Assert.Equal(130.53, s.AneelBaselineKwh, 9);
        Assert.Contains(s.Adjustments, a => a.Kind == SavingsAdjustment.BaselineChanged && a.Device == "sc-lum-000001");
    }

    [Fact]
    public void State_total_sums_cities_and_weights_completeness_by_inventory()
    {
        var city = TestCities.SaoCarlos();
        var a = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, Only("sc-lum-000001", SteadyMonth()), NoAdjustments);
        var b = SavingsCalculator.Compute(city, "2026-06", city.Luminaires, new Dictionary<string, IReadOnlyList<EnergyReading>>(), NoAdjustments);
        var total = StateSavings.Aggregate("2026-06", [a, b]);
        Assert.Equal(2, total.Cities);
        Assert.Equal(28.8, total.MeasuredKwh, 9);
        Assert.Equal(2 * 116.79, total.AneelBaselineKwh, 9);
        Assert.Equal(0.25, total.Completeness, 12); // (0.5 × 2 + 0 × 2) / 4
    }
}
