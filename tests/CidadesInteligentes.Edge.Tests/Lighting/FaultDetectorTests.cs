using CidadesInteligentes.Edge.Core.Lighting;
using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Edge.Tests.Lighting;

public sealed class FaultDetectorTests
{
    // 100 W LED: expected power at 100 % = 100 W, at 50 % = 100 × (0.1 + 0.45) = 55 W.
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);

    private static FaultDetector Detector() => new(new FaultDetectorOptions(new LedPowerModel(100)));

    private static LuminaireSample On(int minute, double powerW, int dim = 100, double voltageV = 220) =>
        new(T0.AddMinutes(minute), true, dim, powerW, voltageV);

    private static LuminaireSample Off(int minute, double powerW) => new(T0.AddMinutes(minute), false, 0, powerW, 220);

    [Fact]
    public void Lamp_failure_needs_two_dark_readings_and_clears_after_two_good_ones()
    {
        var d = Detector();
        // 50 % → expected 55 W; 10 % of it = 5.5 W. 0.3 W is dark.
        Assert.Empty(d.Evaluate(On(0, 0.3, dim: 50)));
        var raised = Assert.Single(d.Evaluate(On(1, 0.3, dim: 50)));
        Assert.Equal(new FaultTransition(EventTypes.LampFailure, true, T0.AddMinutes(1), "power 0.3 W at 50 % (expected 55.0 W)"), raised);
        Assert.Empty(d.Evaluate(On(2, 0.3, dim: 50)));
        Assert.Empty(d.Evaluate(On(3, 55, dim: 50)));
        var cleared = Assert.Single(d.Evaluate(On(4, 55, dim: 50)));
        Assert.False(cleared.Active);
        Assert.Empty(d.Active);
    }

    [Fact]
    public void A_single_dark_reading_is_not_a_failure()
    {
        var d = Detector();
        Assert.Empty(d.Evaluate(On(0, 0.3)));
        Assert.Empty(d.Evaluate(On(1, 100)));
        Assert.Empty(d.Evaluate(On(2, 0.3)));
        Assert.Empty(d.Evaluate(On(3, 100)));
    }

    [Fact]
    public void Day_burning_is_raised_after_more_than_ten_minutes_and_cleared_when_commanded_on()
    {
        var d = Detector();
        for (var m = 0; m <= 10; m++)
        {
            Assert.Empty(d.Evaluate(Off(m, 100))); // 10 min exactly is not "more than 10 min"
        }
        Assert.Equal(EventTypes.LampUnexpectedOn, Assert.Single(d.Evaluate(Off(11, 100))).Type);
        // A dead driver's standby (0.3 W < 10 W) does not count as burning, but clearing needs two readings.
        Assert.Empty(d.Evaluate(Off(12, 0.3)));
        Assert.False(Assert.Single(d.Evaluate(Off(13, 0.3))).Active);
        Assert.Empty(d.Active);
    }

    [Fact]
    public void Cycling_is_four_switches_in_thirty_minutes_while_commanded_on()
    {
        var d = Detector();
        var power = new[] { 100, 100, 0, 0, 100, 0, 100 }; // switches at minutes 2, 4, 5, 6 (lit ↔ dark)
        var transitions = new List<FaultTransition>();
        for (var m = 0; m < power.Length; m++)
        {
            transitions.AddRange(d.Evaluate(On(m, power[m])));
        }
        // minute 3 raises lampFailure (two dark readings), minute 4 clears nothing yet (1 good), minute 6 the 4th switch.
        Assert.Contains(new FaultTransition(EventTypes.CyclingFailure, true, T0.AddMinutes(6), "4 switches in 30 min"), transitions);
        Assert.Contains(EventTypes.CyclingFailure, d.Active);

        // Stable for more than 30 min after the last switch → clears.
        Assert.DoesNotContain(d.Evaluate(On(20, 100)), t => t.Type == EventTypes.CyclingFailure);
        Assert.DoesNotContain(d.Evaluate(On(36, 100)), t => t.Type == EventTypes.CyclingFailure);
        Assert.Contains(d.Evaluate(On(37, 100)), t => t.Type == EventTypes.CyclingFailure && !t.Active);
    }

    [Fact]
    public void Power_outside_twenty_percent_must_last_ten_minutes()
    {
        var d = Detector();
        // 50 %: band 44–66 W. 70 W is too high; sustained from minute 0, raised at minute 10.
        for (var m = 0; m < 10; m++)
        {
            Assert.Empty(d.Evaluate(On(m, 70, dim: 50)));
        }
        Assert.Equal(EventTypes.LampPowerTooHigh, Assert.Single(d.Evaluate(On(10, 70, dim: 50))).Type);
        // 40 W at 50 % is too low (< 44 W) but lit (> 5.5 W): too-high clears after two readings, too-low starts.
        Assert.Empty(d.Evaluate(On(11, 40, dim: 50)));
        Assert.False(Assert.Single(d.Evaluate(On(12, 40, dim: 50))).Active);
        Assert.Empty(d.Evaluate(On(20, 40, dim: 50)));
        Assert.Equal(EventTypes.LampPowerTooLow, Assert.Single(d.Evaluate(On(21, 40, dim: 50))).Type);
    }

    [Fact]
    public void Power_too_low_clears_after_two_readings_back_in_the_band_and_needs_ten_minutes_again_to_return()
    {
        var d = Detector();
        // 50 %: band 44–66 W; 40 W is lit (> 5.5 W) but too low.
        for (var m = 0; m < 10; m++)
        {
            Assert.Empty(d.Evaluate(On(m, 40, dim: 50)));
        }
        var raised = Assert.Single(d.Evaluate(On(10, 40, dim: 50)));
        Assert.Equal(new FaultTransition(EventTypes.LampPowerTooLow, true, T0.AddMinutes(10), "power 40.0 W at 50 % (expected 55.0 W)"), raised);
        Assert.Empty(d.Evaluate(On(11, 40, dim: 50))); // raised once

        Assert.Empty(d.Evaluate(On(12, 54, dim: 50))); // one reading in the band is not enough
        var cleared = Assert.Single(d.Evaluate(On(13, 54, dim: 50)));
        Assert.Equal(new FaultTransition(EventTypes.LampPowerTooLow, false, T0.AddMinutes(13), "power 54.0 W at 50 % (expected 55.0 W)"), cleared);
        Assert.Empty(d.Active);
        Assert.Empty(d.Evaluate(On(14, 54, dim: 50))); // cleared once

        // Low again: a fresh ten minutes before it is raised again.
        for (var m = 15; m < 25; m++)
        {
            Assert.Empty(d.Evaluate(On(m, 40, dim: 50)));
        }
        Assert.True(Assert.Single(d.Evaluate(On(25, 40, dim: 50))).Active);
        Assert.Equal(EventTypes.LampPowerTooLow, Assert.Single(d.Active));
    }

    [Fact]
    public void Supply_loss_pauses_lamp_checks()
    {
        var d = Detector();
        var lost = Assert.Single(d.Evaluate(On(0, 0, voltageV: 0)));
        Assert.Equal(new FaultTransition(EventTypes.SupplyLoss, true, T0, "voltage 0 V below 150 V"), lost);
        Assert.Empty(d.Evaluate(On(1, 0, voltageV: 0)));
        Assert.Empty(d.Evaluate(On(2, 0, voltageV: 0))); // dark without mains is not lampFailure
        Assert.Empty(d.Evaluate(On(3, 100)));
        Assert.False(Assert.Single(d.Evaluate(On(4, 100))).Active);

        var reboot = d.Evaluate(new LuminaireSample(T0.AddMinutes(5), true, 100, 100, null, RebootedAfterPowerLoss: true));
        Assert.Equal("restarted after a power loss", Assert.Single(reboot).Detail);
    }

    [Fact]
    public void Supply_loss_from_a_reboot_clears_after_good_readings_even_without_a_voltage()
    {
        var d = Detector();
        var raised = Assert.Single(d.Evaluate(new LuminaireSample(T0, true, 100, 100, null, RebootedAfterPowerLoss: true)));
        Assert.Equal(new FaultTransition(EventTypes.SupplyLoss, true, T0, "restarted after a power loss"), raised);
        Assert.Empty(d.Evaluate(new LuminaireSample(T0.AddMinutes(1), true, 100, 100)));
        var cleared = Assert.Single(d.Evaluate(new LuminaireSample(T0.AddMinutes(2), true, 100, 100)));
        Assert.Equal(new FaultTransition(EventTypes.SupplyLoss, false, T0.AddMinutes(2), "running on mains since the restart"), cleared);
        Assert.Empty(d.Evaluate(new LuminaireSample(T0.AddMinutes(3), true, 100, 100)));
    }
}
