using CidadesInteligentes.FirmwareSim.Faults;
using CidadesInteligentes.FirmwareSim.Fleet;
using Xunit;

namespace CidadesInteligentes.FirmwareSim.Tests;

public class FleetPlanTests
{
    [Fact]
    public void Demo_registry_gives_ids_coordinates_and_circuits_of_the_first_cities()
    {
        var plan = FleetPlan.Create(new FleetOptions
        {
            Cities = 2,
            LuminairesPerCity = 10,
            HotspotsPerCity = 5,
            Failures = new FailureRates { NonCompliantWifi = 1 },
        });
        Assert.Equal(2, plan.Cities.Count);
        Assert.Equal("3505302", plan.Cities[0].Ibge); // Barra Bonita, prefix "bb"
        Assert.Equal(20, plan.Luminaires.Count);
        Assert.Equal(10, plan.Hotspots.Count);
        var first = plan.Luminaires[0];
        Assert.Equal("bb-lum-000001", first.Id);
        Assert.Equal(80, first.LedW);
        Assert.Equal(170, first.BaselineW);
        Assert.Equal("3505302/bb-c01", first.Circuit);
        // poles spread within ~0.01° of the city centre
        Assert.InRange(first.Latitude, plan.Cities[0].Latitude - 0.011, plan.Cities[0].Latitude + 0.011);
        // only the 5th point of the first city is non-compliant
        Assert.Equal(["bb-wifi-05"], plan.Hotspots.Where(h => h.NonCompliant).Select(h => h.Id));
    }

    [Fact]
    public void Command_line_settings_bind_and_typos_are_reported()
    {
        var o = FleetOptionsBinder.Bind(
            ["--Mqtt:Host", "broker", "--Mqtt:Port=1884", "--Fleet:Cities", "3", "--Fleet:LuminairesPerCity", "50",
             "--Clock:Start", "2026-10-01T03:00:00Z", "--Clock:Until", "2026-11-01T03:00:00Z", "--Clock:Speed", "max",
             "--Fault:NonCompliantWifi", "1", "--Fleet:Seed", "9"], out var errors);
        Assert.Empty(errors);
        Assert.Equal("broker", o.MqttHost);
        Assert.Equal(1884, o.MqttPort);
        Assert.Equal(3, o.Cities);
        Assert.Equal(50, o.LuminairesPerCity);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero), o.Start);
        Assert.True(double.IsPositiveInfinity(o.Speed));
        Assert.Equal(1, o.Failures.NonCompliantWifi);
        Assert.Equal(9, o.Seed);
        // accelerated: 900 s telemetry and 300 s control steps by default
        Assert.Equal(TimeSpan.FromSeconds(900), o.TelemetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(300), o.Step);

        FleetOptionsBinder.Bind(["--Fleet:Citys", "3", "--Mqtt:Port", "x"], out errors);
        Assert.Equal(2, errors.Count);
    }
}
