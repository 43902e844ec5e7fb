using CidadesInteligentes.Cloud.Domain.Fleet;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Domain.Tests;

public sealed class AlertBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 3, 0, 0, TimeSpan.Zero);

    private static DeviceEvent Ev(string type, bool active, DateTimeOffset ts) => new() { V = 1, Seq = 1, Ts = ts, Type = type, Active = active, Detail = "d" };

    [Fact]
    public void Repeated_active_events_keep_one_open_alert_and_count()
    {
        var book = new AlertBook();
        Assert.Equal(AlertChange.Opened, book.Apply("sc-lum-000001", "3548906", Ev(EventTypes.LampFailure, true, T0), T0)!.Change);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Null(book.Apply("sc-lum-000001", "3548906", Ev(EventTypes.LampFailure, true, T0.AddSeconds(i)), T0));
        }
        var alert = Assert.Single(book.List());
        Assert.Equal(11, alert.Count);
        Assert.True(alert.Active);
        Assert.Equal(1, book.OpenCount("3548906"));
        Assert.Equal(0, book.OpenCount("3505302"));
    }

    [Fact]
    public void Reopen_within_debounce_reuses_the_alert_after_it_opens_a_new_one()
    {
        var book = new AlertBook(TimeSpan.FromMinutes(5));
        book.Raise("sc-lum-000001", "3548906", EventTypes.LampFailure, T0);
        Assert.Equal(AlertChange.Closed, book.Clear("sc-lum-000001", EventTypes.LampFailure, T0.AddMinutes(1))!.Change);
        Assert.Null(book.Clear("sc-lum-000001", EventTypes.LampFailure, T0.AddMinutes(2))); // already closed

        // back 5 min after closing (exactly the debounce): same alert
        var again = book.Raise("sc-lum-000001", "3548906", EventTypes.LampFailure, T0.AddMinutes(6))!;
        Assert.Equal(AlertChange.Reopened, again.Change);
        Assert.Equal(2, again.Alert.Count);
        Assert.Single(book.List());

        book.Clear("sc-lum-000001", EventTypes.LampFailure, T0.AddMinutes(7));
        var fresh = book.Raise("sc-lum-000001", "3548906", EventTypes.LampFailure, T0.AddMinutes(12).AddSeconds(1))!;
        Assert.Equal(AlertChange.Opened, fresh.Change);
        Assert.Equal(2, book.List().Count);
        Assert.Single(book.List(active: true));
        Assert.NotEqual(again.Alert.Id, fresh.Alert.Id);
    }

    [Fact]
    public void Inactive_event_closes_and_types_are_independent()
    {
        var book = new AlertBook();
        book.Apply("sc-lum-000001", "3548906", Ev(EventTypes.LampFailure, true, T0), T0);
        book.Apply("sc-lum-000001", "3548906", Ev(EventTypes.HighTemperature, true, T0), T0);
        var closed = book.Apply("sc-lum-000001", "3548906", Ev(EventTypes.LampFailure, false, T0.AddMinutes(3)), T0)!;
        Assert.Equal(T0.AddMinutes(3), closed.Alert.ClosedAt);
        Assert.Equal(EventTypes.HighTemperature, Assert.Single(book.List(active: true)).Type);
    }

    [Fact]
    public void Hotspot_thresholds_open_and_close_backhaul_and_portal_alerts()
    {
        var book = new AlertBook();
        var down = book.ApplyTelemetry("sc-wifi-01", "3548906", new HotspotTelemetry { Ts = T0, BackhaulUp = false, PortalOk = true }, T0);
        Assert.Equal(EventTypes.BackhaulDown, Assert.Single(down).Alert.Type);
        var up = book.ApplyTelemetry("sc-wifi-01", "3548906", new HotspotTelemetry { Ts = T0.AddMinutes(1), BackhaulUp = true, PortalOk = true }, T0);
        Assert.Equal(AlertChange.Closed, Assert.Single(up).Change);
    }

    [Fact]
    public void Low_voltage_opens_supply_loss_and_closes_only_10_V_above_the_limit()
    {
        var book = new AlertBook();
        Assert.NotNull(book.ApplyTelemetry("sc-lum-000001", "3548906", new LuminaireTelemetry { Ts = T0, VoltageV = 140 }, T0));
        Assert.Null(book.ApplyTelemetry("sc-lum-000001", "3548906", new LuminaireTelemetry { Ts = T0, VoltageV = 155 }, T0));
        Assert.True(book.IsOpen("sc-lum-000001", EventTypes.SupplyLoss));
        Assert.Equal(AlertChange.Closed, book.ApplyTelemetry("sc-lum-000001", "3548906", new LuminaireTelemetry { Ts = T0, VoltageV = 160 }, T0)!.Change);
    }

    [Fact]
    public void Health_alerts_open_once_per_outage_and_close_when_back()
    {
        var book = new AlertBook();
        var offline = new FleetHealthReport { Devices = [new DeviceHealth("sc-wifi-01", "3548906", "hotspot", null, false, T0, OfflineCauses.CommunicationLoss, "device")] };
        Assert.Single(book.ApplyHealth(offline, T0.AddMinutes(3)));
        Assert.Empty(book.ApplyHealth(offline, T0.AddMinutes(4))); // re-evaluation: no storm
        Assert.Equal(1, book.List()[0].Count);

        // more devices dropped: reclassified as supply loss (comm alert closed, supply alert opened)
        var supply = new FleetHealthReport { Devices = [new DeviceHealth("sc-wifi-01", "3548906", "hotspot", null, false, T0, OfflineCauses.SupplyLoss, "city")] };
        var changes = book.ApplyHealth(supply, T0.AddMinutes(5));
        Assert.Equal([AlertChange.Closed, AlertChange.Opened], changes.Select(c => c.Change));
        Assert.Equal("city", changes[1].Alert.Scope);

        var back = new FleetHealthReport { Devices = [new DeviceHealth("sc-wifi-01", "3548906", "hotspot", null, true, null, null, "device")] };
        Assert.Equal(AlertChange.Closed, Assert.Single(book.ApplyHealth(back, T0.AddMinutes(9))).Change);
        Assert.Equal(0, book.OpenCount());
    }

    [Fact]
    public void Restored_alerts_keep_their_ids_and_open_state()
    {
        var first = new AlertBook();
        first.Raise("sc-lum-000001", "3548906", EventTypes.LampFailure, T0);
        var restored = new AlertBook(restore: first.List());
        Assert.Null(restored.Raise("sc-lum-000001", "3548906", EventTypes.LampFailure, T0.AddMinutes(1)));
        var next = restored.Raise("sc-lum-000002", "3548906", EventTypes.LampFailure, T0.AddMinutes(1))!;
        Assert.Equal(2, next.Alert.Id);
    }
}
