using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>The host's fleet view with the domain rules behind it (FleetHealth + AlertBook), driven directly.</summary>
public sealed class FleetStateTests
{
    private const string City = "3548906";
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    // heartbeat timeout 180 s; domain defaults: together window 2 min, supply loss = ≥ 3 devices and ≥ 50 % of the circuit
    private static FleetState NewFleet() => new(TimeSpan.FromSeconds(180));

    private static TopicName Topic(string device, DeviceKind kind, TopicStream stream) => new(City, kind, device, stream);

    private static void Luminaire(FleetState fleet, string device, DateTimeOffset at, double voltage = 228) =>
        fleet.Apply(Topic(device, DeviceKind.Luminaire, TopicStream.Telemetry),
            new LuminaireTelemetry { V = 1, Seq = at.ToUnixTimeSeconds(), Ts = at, EnergyWh = 1, PowerW = 55, VoltageV = voltage, DimPercent = 100, LampOn = true }, at);

    private static void Hotspot(FleetState fleet, string device, DateTimeOffset at, bool backhaulUp, bool portalOk = true) =>
        fleet.Apply(Topic(device, DeviceKind.Hotspot, TopicStream.Telemetry),
            new HotspotTelemetry { V = 1, Seq = at.ToUnixTimeSeconds(), Ts = at, BackhaulUp = backhaulUp, PortalOk = portalOk, Clients = 3 }, at);

    private static void LampFailure(FleetState fleet, string device, DateTimeOffset at, bool active) =>
        fleet.Apply(Topic(device, DeviceKind.Luminaire, TopicStream.Event),
            new DeviceEvent { V = 1, Seq = at.ToUnixTimeSeconds(), Ts = at, Type = EventTypes.LampFailure, Active = active }, at);

    [Fact]
    public void Many_devices_of_one_circuit_going_silent_together_open_one_circuit_supply_loss_alert_and_no_storm()
    {
        var fleet = NewFleet();
        var changed = new List<Alert>();
        fleet.AlertChanged += changed.Add;
        // circuit C1: 6 luminaires; circuit C2: 2 luminaires; one hotspot with no circuit
        var c1 = Enumerable.Range(1, 6).Select(i => $"sc-lum-00000{i}").ToList();
        var c2 = new[] { "sc-lum-000007", "sc-lum-000008" };
        foreach (var id in c1)
        {
            fleet.Register(id, City, "luminaire", -22.0, -47.9, null, "C1");
        }
        foreach (var id in c2)
        {
            fleet.Register(id, City, "luminaire", -22.0, -47.9, null, "C2");
        }
        fleet.Register("sc-hs-01", City, "hotspot", -22.0, -47.9, "Praça", null);

        // C1 last heard within 50 s of each other (inside the 2 min window), then the breaker trips
        for (var i = 0; i < c1.Count; i++)
        {
            Luminaire(fleet, c1[i], T0.AddSeconds(10 * i));
        }
        var now = T0.AddMinutes(5);
        foreach (var id in c2)
        {
            Luminaire(fleet, id, now.AddSeconds(-30));
        }
        Hotspot(fleet, "sc-hs-01", now.AddSeconds(-30), backhaulUp: true);

        fleet.Sweep(now);

        // 6 of 6 silent for ≥ 250 s > 180 s, together: one supply loss for the circuit, nothing per device
        var alert = Assert.Single(fleet.Alerts(null, true));
        Assert.Equal(EventTypes.SupplyLoss, alert.Type);
        Assert.Equal("circuit", alert.Scope);
        Assert.Equal($"circuit-{City}-C1", alert.Device);
        Assert.Equal(City, alert.City);
        Assert.Equal(T0, alert.OpenedAt); // the first of them to fall silent
        Assert.Equal(1, alert.Count);
        Assert.Contains("6 of 6", alert.Detail, StringComparison.Ordinal);
        Assert.All(c1, id => Assert.False(fleet.Find(id)!.Online));
        Assert.All(c2, id => Assert.True(fleet.Find(id)!.Online));
        Assert.All(c1, id => Assert.Equal(0, fleet.OpenAlerts(device: id)));
        Assert.Equal(1, fleet.OpenAlerts(City));

        // the same outage seen by later sweeps is not a repeat
        fleet.Sweep(now.AddMinutes(1));
        fleet.Sweep(now.AddMinutes(2));
        Assert.Equal(1, Assert.Single(fleet.Alerts(null, true)).Count);
        Assert.Single(changed);

        // power is back: the circuit reports again and the next sweep closes the alert
        var back = now.AddMinutes(10);
        foreach (var id in c1.Concat(c2))
        {
            Luminaire(fleet, id, back);
        }
        Hotspot(fleet, "sc-hs-01", back, backhaulUp: true);
        fleet.Sweep(back.AddSeconds(5));
        Assert.Empty(fleet.Alerts(null, true));
        var closed = Assert.Single(fleet.Alerts(City, false));
        Assert.Equal(back.AddSeconds(5), closed.ClosedAt);
        Assert.Equal(0, fleet.OpenAlerts());
        Assert.All(c1, id => Assert.True(fleet.Find(id)!.Online));
        Assert.Equal(2, changed.Count);
    }

    [Fact]
    public void A_single_silent_device_is_a_communication_loss_of_that_device()
    {
        var fleet = NewFleet();
        var ids = Enumerable.Range(1, 5).Select(i => $"sc-lum-00000{i}").ToList();
        foreach (var id in ids)
        {
            fleet.Register(id, City, "luminaire", -22.0, -47.9, null, "C1");
        }
        Luminaire(fleet, ids[0], T0);
        var now = T0.AddMinutes(5);
        foreach (var id in ids.Skip(1))
        {
            Luminaire(fleet, id, now.AddSeconds(-20));
        }

        fleet.Sweep(now);

        // 1 of 5 down: below the 3-device threshold, so it is the device's own link
        var alert = Assert.Single(fleet.Alerts(City, true));
        Assert.Equal("communicationLoss", alert.Type);
        Assert.Equal("device", alert.Scope);
        Assert.Equal(ids[0], alert.Device);
        Assert.Equal(T0, alert.OpenedAt);
        var view = fleet.Find(ids[0])!;
        Assert.False(view.Online);
        Assert.Equal("silent", view.Status);
        Assert.Equal(1, fleet.OpenAlerts(device: ids[0]));

        // it speaks again: closed at once, without waiting for the sweep
        Luminaire(fleet, ids[0], now.AddSeconds(10));
        Assert.Empty(fleet.Alerts(City, true));
        Assert.True(view.Online);
        Assert.Equal(0, fleet.OpenAlerts(City));
    }

    [Fact]
    public void A_will_marks_the_device_offline_and_the_sweep_calls_it_a_communication_loss()
    {
        var fleet = NewFleet();
        fleet.Register("sc-lum-000001", City, "luminaire", null, null, null, "C1");
        fleet.Register("sc-lum-000002", City, "luminaire", null, null, null, "C1");
        fleet.Apply(Topic("sc-lum-000001", DeviceKind.Luminaire, TopicStream.Status), new DeviceStatus { V = 1, State = "online", Ts = T0 }, T0);
        Luminaire(fleet, "sc-lum-000002", T0);
        Assert.True(fleet.Find("sc-lum-000001")!.Online);

        // the broker's will, stored like any status (it has no ts and no reason)
        fleet.Apply(Topic("sc-lum-000001", DeviceKind.Luminaire, TopicStream.Status), new DeviceStatus { V = 1, State = "offline" }, T0.AddSeconds(30));
        Assert.False(fleet.Find("sc-lum-000001")!.Online);
        fleet.Sweep(T0.AddSeconds(40));
        var alert = Assert.Single(fleet.Alerts(null, true));
        Assert.Equal(("sc-lum-000001", "communicationLoss"), (alert.Device, alert.Type));
        Assert.True(fleet.Find("sc-lum-000002")!.Online); // 40 s < 180 s timeout
    }

    [Fact]
    public void A_clean_shutdown_is_offline_without_an_alert()
    {
        var fleet = NewFleet();
        fleet.Apply(Topic("sc-lum-000001", DeviceKind.Luminaire, TopicStream.Status), new DeviceStatus { V = 1, State = "offline", Reason = "shutdown", Ts = T0 }, T0);
        fleet.Sweep(T0.AddMinutes(10));
        Assert.False(fleet.Find("sc-lum-000001")!.Online);
        Assert.Empty(fleet.Alerts(null, null));
    }

    [Fact]
    public void A_hotspot_without_backhaul_opens_backhaul_down_and_closes_it_when_the_backhaul_returns()
    {
        var fleet = NewFleet();
        var changed = new List<Alert>();
        fleet.AlertChanged += changed.Add;
        Hotspot(fleet, "sc-hs-01", T0, backhaulUp: false);
        Hotspot(fleet, "sc-hs-01", T0.AddMinutes(1), backhaulUp: false);

        var alert = Assert.Single(fleet.Alerts(City, true));
        Assert.Equal((EventTypes.BackhaulDown, "device", "sc-hs-01"), (alert.Type, alert.Scope, alert.Device));
        Assert.Equal(2, alert.Count); // the second failed probe is a repeat, not a new alert
        Assert.Equal(T0, alert.OpenedAt);
        // the sweep (device online, reporting) leaves it alone
        fleet.Sweep(T0.AddMinutes(1.5));
        Assert.Single(fleet.Alerts(City, true));

        // a late replay of an older reading must not change it
        Hotspot(fleet, "sc-hs-01", T0.AddMinutes(2), backhaulUp: true);
        Assert.Empty(fleet.Alerts(City, true));
        var closed = Assert.Single(fleet.Alerts(City, false));
        Assert.Equal(T0.AddMinutes(2), closed.ClosedAt);
        Hotspot(fleet, "sc-hs-01", T0.AddMinutes(1.5), backhaulUp: false);
        Assert.Empty(fleet.Alerts(City, true));
        Assert.Equal([true, false], changed.Select(a => a.Active));
    }

    [Fact]
    public void Low_supply_voltage_opens_a_device_supply_loss_that_only_a_good_voltage_closes()
    {
        var fleet = NewFleet();
        Luminaire(fleet, "sc-lum-000001", T0, voltage: 120);
        var alert = Assert.Single(fleet.Alerts(City, true));
        Assert.Equal((EventTypes.SupplyLoss, "device"), (alert.Type, alert.Scope));
        Assert.Equal("supply 120 V", alert.Detail);

        // online and still low (155 V is inside the 150–160 V hysteresis): the sweep does not close it
        Luminaire(fleet, "sc-lum-000001", T0.AddMinutes(1), voltage: 155);
        fleet.Sweep(T0.AddMinutes(1.5));
        Assert.Single(fleet.Alerts(City, true));

        Luminaire(fleet, "sc-lum-000001", T0.AddMinutes(2), voltage: 227);
        Assert.Empty(fleet.Alerts(City, true));
    }

    [Fact]
    public void AlertChanged_fires_on_open_and_close_and_a_quick_reopen_reuses_the_alert()
    {
        var fleet = NewFleet();
        var changed = new List<Alert>();
        fleet.AlertChanged += changed.Add;

        LampFailure(fleet, "sc-lum-000003", T0, active: true);
        LampFailure(fleet, "sc-lum-000003", T0.AddSeconds(30), active: true);
        var opened = Assert.Single(changed);
        Assert.True(opened.Active);
        Assert.Equal(1, opened.Count); // the snapshot at opening
        Assert.Equal(2, Assert.Single(fleet.Alerts(null, true)).Count);

        LampFailure(fleet, "sc-lum-000003", T0.AddMinutes(1), active: false);
        Assert.Equal(2, changed.Count);
        Assert.False(changed[1].Active);
        Assert.Equal(T0.AddMinutes(1), changed[1].ClosedAt);
        Assert.Equal(opened.Id, changed[1].Id);
        Assert.Equal(0, fleet.OpenAlerts());

        // back within the 5 min debounce: the same alert re-opens (count 3) instead of a new one
        LampFailure(fleet, "sc-lum-000003", T0.AddMinutes(3), active: true);
        Assert.Equal(3, changed.Count);
        var reopened = Assert.Single(fleet.Alerts(null, null));
        Assert.Equal(opened.Id, reopened.Id);
        Assert.True(reopened.Active);
        Assert.Equal(3, reopened.Count);
        Assert.Equal(1, fleet.OpenAlerts(City, "sc-lum-000003"));

        // after the debounce: a new alert
        LampFailure(fleet, "sc-lum-000003", T0.AddMinutes(4), active: false);
        LampFailure(fleet, "sc-lum-000003", T0.AddMinutes(20), active: true);
        Assert.Equal(2, fleet.Alerts(null, null).Count);
        Assert.Equal(1, fleet.OpenAlerts(City));
    }

    [Fact]
    public void A_device_that_dropped_first_is_reclassified_when_its_circuit_follows()
    {
        var fleet = NewFleet();
        var ids = Enumerable.Range(1, 4).Select(i => $"sc-lum-00000{i}").ToList();
        foreach (var id in ids)
        {
            fleet.Register(id, City, "luminaire", null, null, null, "C9");
        }
        // device 1 last heard at T0, the others 60 s later (within the 2 min window of it)
        Luminaire(fleet, ids[0], T0);
        foreach (var id in ids.Skip(1))
        {
            Luminaire(fleet, id, T0.AddSeconds(60));
        }
        // T0+200 s: only device 1 is past the 180 s timeout → its own communication loss
        fleet.Sweep(T0.AddSeconds(200));
        var first = Assert.Single(fleet.Alerts(City, true));
        Assert.Equal(("communicationLoss", ids[0]), (first.Type, first.Device));

        // T0+300 s: all 4 of 4 are silent and fell within 60 s of each other → one circuit supply loss, device alert closed
        fleet.Sweep(T0.AddSeconds(300));
        var alert = Assert.Single(fleet.Alerts(City, true));
        Assert.Equal((EventTypes.SupplyLoss, "circuit", $"circuit-{City}-C9"), (alert.Type, alert.Scope, alert.Device));
        Assert.Equal(T0, alert.OpenedAt);
        Assert.Equal(0, fleet.OpenAlerts(device: ids[0]));
    }
}
