using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Edge.Hardware.Tests;

public sealed class SimulatedLuminaireTests
{
    private static SimulatedLuminaire Create(TempDirectory dir, ManualTimeProvider time) =>
        new(new LedPowerModel(100), new EnergyRegister(dir.File("energy.wh")), time);

    [Fact]
    public void Dimmed_lamp_draws_model_power_through_the_real_drivers()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider();
        using var lum = Create(dir, time);
        lum.Relay.Set(true);
        lum.Dimmer.SetLevel(50);
        lum.AmbientLux = 12;

        // 50 % of 100 W → 55 W; quantisation of the chip keeps it within 0.1 W.
        Assert.True(lum.Meter.TryRead(out var r));
        Assert.Equal(55, r.PowerW, 0.1);
        Assert.Equal(220, r.VoltageV, 0.01);
        Assert.True(lum.LightSensor.TryReadLux(out var lux));
        // 12 lx × 1.2 = 14.4 → the chip counts 14 → 14 / 1.2 = 11.67 lx (1-count resolution).
        Assert.Equal(11.667, lux, 0.001);

        // One hour at 55 W in 60 s steps (capped gap 5 min is not hit) → 55 Wh.
        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.True(lum.Meter.TryRead(out r));
        }
        Assert.Equal(55, r.EnergyWh, 0.2);
    }

    [Fact]
    public void Injected_faults_show_in_the_readings()
    {
        using var dir = new TempDirectory();
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));
        using var lum = Create(dir, time);

        lum.Faults = LuminaireFaults.DayBurning; // relay off, contacts welded
        Assert.True(lum.Meter.TryRead(out var r));
        Assert.Equal(100, r.PowerW, 0.1);

        lum.Faults = LuminaireFaults.LampFailure;
        lum.Relay.Set(true);
        Assert.True(lum.Meter.TryRead(out r));
        Assert.Equal(SimulatedLuminaire.FailedLampStandbyW, r.PowerW, 0.05);
        Assert.False(lum.IsLit);

        lum.Faults = LuminaireFaults.NoPower;
        Assert.True(lum.Meter.TryRead(out r));
        Assert.Equal(0, r.VoltageV);
        Assert.Equal(0, r.PowerW);

        // Cycling: lit for minutes 0–3 of each 5-minute period, dark for 3–5.
        lum.Faults = LuminaireFaults.Cycling;
        Assert.True(lum.IsLit);
        time.Advance(TimeSpan.FromMinutes(3.5));
        Assert.False(lum.IsLit);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(lum.IsLit);
    }
}
