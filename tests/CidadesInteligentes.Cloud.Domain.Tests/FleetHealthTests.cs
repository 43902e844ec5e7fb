using CidadesInteligentes.Cloud.Domain.Fleet;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class FleetHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 3, 0, 0, TimeSpan.Zero);

    private static DeviceSnapshot Seen(string id, TimeSpan ago, string? circuit = "sc-c01", string city = "3548906", double? voltageV = null) =>
        new(id, city, "luminaire", circuit, "online", Now.AddHours(-5), null, Now - ago, voltageV);

    [Fact]
    public void Online_until_the_heartbeat_timeout_then_offline_since_last_sign_of_life()
    {
        var report = FleetHealth.Evaluate([Seen("sc-lum-000001", TimeSpan.FromSeconds(180)), Seen("sc-lum-000002", TimeSpan.FromSeconds(181))], Now);
        Assert.True(report.Devices[0].Online); // exactly at the 180 s timeout
        Assert.False(report.Devices[1].Online);
        Assert.Equal(Now.AddSeconds(-181), report.Devices[1].OfflineSince);
        Assert.Equal(OfflineCauses.CommunicationLoss, report.Devices[1].Cause);
        Assert.Equal(1, report.Online);
    }

    [Fact]
    public void Will_and_clean_shutdown_make_a_device_offline_at_once()
    {
        var will = new DeviceSnapshot("sc-wifi-01", "3548906", "hotspot", null, "offline", Now.AddSeconds(-10), null, Now.AddSeconds(-100));
        var shutdown = new DeviceSnapshot("sc-wifi-02", "3548906", "hotspot", null, "offline", Now.AddSeconds(-10), "shutdown", Now.AddSeconds(-20));
        var backAfterWill = new DeviceSnapshot("sc-wifi-03", "3548906", "hotspot", null, "offline", Now.AddSeconds(-100), null, Now.AddSeconds(-10));
        var never = new DeviceSnapshot("sc-wifi-04", "3548906", "hotspot", null, null, null, null, null);
        var r = FleetHealth.Evaluate([will, shutdown, backAfterWill, never], Now).Devices;
        Assert.False(r[0].Online);
        Assert.Equal(OfflineCauses.CommunicationLoss, r[0].Cause);
        Assert.Equal(Now.AddSeconds(-100), r[0].OfflineSince);
        Assert.Equal(OfflineCauses.Shutdown, r[1].Cause);
        Assert.True(r[2].Online); // telemetry newer than the will: it reconnected
        Assert.False(r[3].Online);
        Assert.Null(r[3].Cause);
    }

    [Fact]
    public void Many_devices_of_one_circuit_dropping_together_is_supply_loss_one_alone_is_communication_loss()
    {
        // circuit c01: 4 devices, 3 went quiet within 2 min of each other → supply loss (3 ≥ 3 and 3/4 ≥ 50 %)
        // circuit c02: 4 devices, 1 quiet → communication loss
        DeviceSnapshot[] devices =
        [
            Seen("sc-lum-000001", TimeSpan.FromMinutes(10)),
            Seen("sc-lum-000002", TimeSpan.FromMinutes(9)),
            Seen("sc-lum-000003", TimeSpan.FromMinutes(8)),
            Seen("sc-lum-000004", TimeSpan.FromSeconds(30)),
            Seen("sc-lum-000005", TimeSpan.FromMinutes(10), "sc-c02"),
            Seen("sc-lum-000006", TimeSpan.FromSeconds(30), "sc-c02"),
            Seen("sc-lum-000007", TimeSpan.FromSeconds(30), "sc-c02"),
            Seen("sc-lum-000008", TimeSpan.FromSeconds(30), "sc-c02"),
        ];
        var r = FleetHealth.Evaluate(devices, Now).Devices;
        Assert.All(r.Take(3), d => Assert.Equal((OfflineCauses.SupplyLoss, "circuit"), (d.Cause, d.Scope)));
        Assert.True(r[3].Online);
        Assert.Equal((OfflineCauses.CommunicationLoss, "device"), (r[4].Cause, r[4].Scope));
    }

    [Fact]
    public void Drops_spread_over_time_are_not_supply_loss_but_a_city_wide_drop_is()
    {
        // three devices of one circuit dropping 5 min apart: not together
        DeviceSnapshot[] spread =
        [
            Seen("sc-lum-000001", TimeSpan.FromMinutes(20)),
            Seen("sc-lum-000002", TimeSpan.FromMinutes(15)),
            Seen("sc-lum-000003", TimeSpan.FromMinutes(10)),
        ];
        Assert.All(FleetHealth.Evaluate(spread, Now).Devices, d => Assert.Equal(OfflineCauses.CommunicationLoss, d.Cause));

        // hotspots have no circuit: 3 of 4 in the city dropping within a minute → supply loss at city scope
        DeviceSnapshot[] city =
        [
            Seen("sc-wifi-01", TimeSpan.FromMinutes(10), null),
            Seen("sc-wifi-02", TimeSpan.FromMinutes(9.5), null),
            Seen("sc-wifi-03", TimeSpan.FromMinutes(9), null),
            Seen("sc-wifi-04", TimeSpan.FromSeconds(10), null),
        ];
        var r = FleetHealth.Evaluate(city, Now).Devices;
        Assert.All(r.Take(3), d => Assert.Equal((OfflineCauses.SupplyLoss, "city"), (d.Cause, d.Scope)));
    }

    [Fact]
    public void A_lone_device_that_reported_low_voltage_is_supply_loss()
    {
        var r = FleetHealth.Evaluate([Seen("sc-lum-000001", TimeSpan.FromMinutes(10), voltageV: 120)], Now).Devices;
        Assert.Equal(OfflineCauses.SupplyLoss, r[0].Cause);
    }
}
