using CidadesInteligentes.Edge.Hardware;
using CidadesInteligentes.Edge.Hardware.Simulated;
using CidadesInteligentes.FirmwareSim.Clock;
using CidadesInteligentes.FirmwareSim.Physics;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class PhysicsTests
{
    // São Carlos
    private const double Lat = -22.0087;
    private const double Lon = -47.8909;

    [Fact]
    public void Sun_is_high_at_solar_noon_on_the_equinox_and_below_the_horizon_at_midnight()
    {
        // Solar noon ≈ 12:00 UTC + 47.89° × 4 min/° (3 h 11.6 min) − equation of time (≈ −7.5 min on 20 March)
        // ≈ 15:19 UTC. Declination ≈ 0°, so the elevation ≈ 90° − 22.0° = 68°.
        var noon = new DateTimeOffset(2026, 3, 20, 15, 19, 0, TimeSpan.Zero);
        Assert.InRange(SunPosition.ElevationDeg(Lat, Lon, noon), 67, 69);
        // local midnight (03:00 UTC): the sun is about 68° below the horizon
        var midnight = new DateTimeOffset(2026, 3, 21, 3, 19, 0, TimeSpan.Zero);
        Assert.InRange(SunPosition.ElevationDeg(Lat, Lon, midnight), -69, -67);
    }

    [Fact]
    public void Sun_elevation_crosses_zero_near_the_tabulated_sunset()
    {
        // São Carlos, 21 December 2026: sunset about 18:53 local (21:53 UTC). The elevation ten minutes before must
        // be positive and ten minutes after negative.
        var sunset = new DateTimeOffset(2026, 12, 21, 21, 53, 0, TimeSpan.Zero);
        Assert.True(SunPosition.ElevationDeg(Lat, Lon, sunset.AddMinutes(-10)) > 0);
        Assert.True(SunPosition.ElevationDeg(Lat, Lon, sunset.AddMinutes(10)) < 0);
    }

    [Fact]
    public void Lux_follows_elevation_and_clouds()
    {
        // above the horizon: 400 + 120 000 × sin 30° = 60 400 lx
        Assert.Equal(60_400, AmbientLight.ClearSkyLux(30), 6);
        Assert.Equal(400, AmbientLight.ClearSkyLux(0), 6);
        Assert.Equal(3.4, AmbientLight.ClearSkyLux(-6), 6);
        Assert.Equal(AmbientLight.NightLux, AmbientLight.ClearSkyLux(-40), 9);
        // halfway between −6° (3.4 lx) and 0° (400 lx), log-linear: √(3.4 × 400) = 36.88 lx
        Assert.Equal(Math.Sqrt(3.4 * 400), AmbientLight.ClearSkyLux(-3), 6);
        // overcast keeps a quarter: 60 400 × 0.25 = 15 100 lx
        Assert.Equal(15_100, AmbientLight.Lux(30, 1), 6);
        var clouds = new CloudModel(7, "3548906");
        var t = new DateTimeOffset(2026, 10, 5, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(clouds.CloudinessAt(t), new CloudModel(7, "3548906").CloudinessAt(t));
        Assert.InRange(clouds.CloudinessAt(t), 0, 1);
    }

    [Fact]
    public void Led_power_follows_dim_level_through_the_simulated_meter()
    {
        using var dir = new TempDir();
        var clock = new FleetClock(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
        using var lum = new SimulatedLuminaire(new LedPowerModel(80), new EnergyRegister(Path.Combine(dir.Path, "e"), 1e9), clock);
        lum.Relay.Set(true);
        lum.Dimmer.SetLevel(50);
        // P(50 %) = 80 × (0.1 + 0.9 × 0.5) = 44 W; driver efficiency = 80 × 0.9 × 0.5 / 44 = 0.818
        Assert.True(lum.Meter.TryRead(out var r));
        Assert.InRange(r.PowerW, 43.5, 44.5);
        Assert.Equal(0.818, lum.Model.DriverEfficiency(50), 3);
        lum.Dimmer.SetLevel(100);
        Assert.True(lum.Meter.TryRead(out r));
        Assert.InRange(r.PowerW, 79.5, 80.5);
        Assert.Equal(0.9, lum.Model.DriverEfficiency(100), 6);
    }

    [Fact]
    public void Wifi_clients_peak_in_the_evening_and_are_few_at_night()
    {
        Assert.Equal(40, WifiUsage.ExpectedClients(19, 40), 6);
        Assert.Equal(0.8, WifiUsage.ExpectedClients(3, 40), 6); // 0.02 × 40
        // 10 stations present over 15 min with 30 min sessions: 5 new visitors
        Assert.Equal(5, WifiUsage.ExpectedArrivals(10, TimeSpan.FromMinutes(15)), 6);
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fwsim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
