using CidadesInteligentes.Cloud.Domain.Energy;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

/// <summary>Which register went back is what the adjustment says.</summary>
public sealed class SavingsRegisterResetTests
{
    private static readonly DateTimeOffset June10Noon = new(2026, 6, 10, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_burn_counter_reset_with_the_energy_register_going_on_is_recorded_as_such()
    {
        var city = TestCities.SaoCarlos();
        // the agent's state was lost (burn counter restarted) while the meter kept counting
        List<EnergyReading> readings =
        [
            new(1, June10Noon, 5000, 36_000),
            new(2, June10Noon.AddHours(1), 5100, 900),
        ];
        var s = SavingsCalculator.Compute(city, "2026-06", city.Luminaires,
            new Dictionary<string, IReadOnlyList<EnergyReading>>(StringComparer.Ordinal) { ["sc-lum-000001"] = readings }, []);

        // energy 5100 − 5000 = 100 Wh as usual; burn counted from zero: 900 s = 0.25 h → Option B 170 W × 0.25 h = 42.5 Wh
        Assert.Equal(0.1, s.MeasuredKwh, 9);
        Assert.Equal(0.25, s.BurningHours, 9);
        var adj = Assert.Single(s.Adjustments);
        Assert.Equal(SavingsAdjustment.MeterReplaced, adj.Kind);
        // it used to say "register went back from 5000 Wh to 5100 Wh … counted 100 Wh from zero": neither is true
        Assert.DoesNotContain("5000 Wh to 5100 Wh", adj.Detail, StringComparison.Ordinal);
        Assert.Contains("burn register went back from 36000 s to 900 s", adj.Detail, StringComparison.Ordinal);
        Assert.Contains("counted 900 s from zero", adj.Detail, StringComparison.Ordinal);
    }
}
