using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>The running fleet view keeps 90 days of closed alerts, like a restart does, so it does not grow with time.</summary>
public sealed class AlertHistoryTests
{
    private const string City = "3548906";
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    private static void Event(FleetState fleet, string device, long seq, DateTimeOffset at, string type, bool active) =>
        fleet.Apply(new TopicName(City, DeviceKind.Luminaire, device, TopicStream.Event),
            new DeviceEvent { V = 1, Seq = seq, Ts = at, Type = type, Active = active }, at);

    [Fact]
    public void Alerts_closed_more_than_90_days_ago_leave_the_view_open_ones_stay_and_ids_go_on()
    {
        var fleet = new FleetState(TimeSpan.FromSeconds(180));
        // a hotspot-like flapping fault: a thousand alerts opened and closed over the first days
        for (var i = 0; i < 1000; i++)
        {
            var at = T0.AddMinutes(10 * i);
            Event(fleet, "sc-lum-000001", 2 * i + 1, at, EventTypes.LampFailure, true);
            Event(fleet, "sc-lum-000001", 2 * i + 2, at.AddMinutes(1), EventTypes.LampFailure, false);
        }
        Event(fleet, "sc-lum-000002", 1, T0, EventTypes.RelayFailure, true); // open all along
        var lastClosed = T0.AddMinutes(10 * 999 + 1);
        // both then shut down cleanly, so the sweeps below judge no communication loss
        foreach (var device in new[] { "sc-lum-000001", "sc-lum-000002" })
        {
            fleet.Apply(new TopicName(City, DeviceKind.Luminaire, device, TopicStream.Status),
                new DeviceStatus { V = 1, State = "offline", Reason = "shutdown", Ts = lastClosed }, lastClosed.AddSeconds(1));
        }
        Assert.Equal(1000, fleet.Alerts(null, false).Count);

        // 89 days after the first one closed: all still listed
        fleet.Sweep(T0.AddDays(89));
        Assert.Equal(1000, fleet.Alerts(null, false).Count);

        // an hour-later sweep after the 90 days: the old closed alerts are gone from memory, not the open one
        fleet.Sweep(lastClosed.AddDays(90).AddHours(1));
        Assert.Empty(fleet.Alerts(null, false));
        var open = Assert.Single(fleet.Alerts(null, null));
        Assert.Equal("sc-lum-000002", open.Device);
        Assert.Equal(1, fleet.OpenAlerts(City));

        // the same fault again is a new alert with the next id, not a re-open of a forgotten one
        var later = lastClosed.AddDays(91);
        Event(fleet, "sc-lum-000001", 5000, later, EventTypes.LampFailure, true);
        var again = fleet.Alerts(null, true).Single(a => a.Device == "sc-lum-000001");
        Assert.Equal(1002, again.Id);
        Assert.Equal(1, again.Count);
        Assert.Equal(2, fleet.OpenAlerts());
    }
}
