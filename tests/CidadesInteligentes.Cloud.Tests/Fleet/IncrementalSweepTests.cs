using CidadesInteligentes.Cloud.Fleet;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Fleet;

/// <summary>
/// The heartbeat sweep visits only the devices whose state can have changed (docs/performance.md, "Fleet view at
/// 645,000 devices"). Fed the same messages, a fleet swept that way must end every sweep exactly as one swept whole:
/// the same online flags and statuses, the same alerts open and closed with the same details — through devices
/// falling silent, circuits losing supply together, wills, clean shutdowns, low voltage, devices coming back, devices
/// joining, moving to another circuit or city and leaving the registry. The per-city counts kept as devices change
/// must equal a count over the fleet.
/// </summary>
public sealed class IncrementalSweepTests
{
    private static readonly string[] Cities = ["3548906", "3550308"];

    private sealed record Device(string Id, string City, string Circuit, bool Hotspot);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Sweeping_what_changed_leaves_the_fleet_and_its_alerts_as_sweeping_it_whole_does(int seed)
    {
        var rnd = new Random(seed);
        var incremental = new FleetState(TimeSpan.FromMinutes(3), reopenDebounce: TimeSpan.FromMinutes(1)) { FullSweepEvery = TimeSpan.FromDays(1) };
        var whole = new FleetState(TimeSpan.FromMinutes(3), reopenDebounce: TimeSpan.FromMinutes(1)) { FullSweepEvery = TimeSpan.Zero };
        var devices = new List<Device>();
        foreach (var city in Cities)
        {
            for (var c = 1; c <= 3; c++)
            {
                for (var n = 1; n <= 6; n++)
                {
                    devices.Add(new Device($"{city[^2..]}-lum-{c}{n:D2}", city, $"c{c}", false));
                }
            }
            devices.Add(new Device($"{city[^2..]}-wifi-01", city, "c1", true));
        }
        void Both(Action<FleetState> act)
        {
            act(incremental);
            act(whole);
        }
        void Register(Device d) => Both(f => f.Register(d.Id, d.City, d.Hotspot ? "hotspot" : "luminaire", -22.5, -47.5, null, d.Circuit));
        devices.ForEach(Register);

        var now = new DateTimeOffset(2026, 11, 20, 18, 0, 0, TimeSpan.Zero);
        var seq = new Dictionary<string, long>();
        string? outage = null; // a circuit without supply: its devices say nothing
        var outageEnds = now;
        var silent = new HashSet<string>(); // devices whose link is down
        var incrementalSweeps = 0;
        for (var step = 0; step < 1_500; step++)
        {
            now = now.AddSeconds(rnd.Next(1, 12));
            if (outage is null && rnd.Next(200) == 0)
            {
                outage = $"{Cities[rnd.Next(2)]}/c{rnd.Next(1, 4)}";
                outageEnds = now.AddMinutes(rnd.Next(4, 15));
            }
            else if (outage is not null && now > outageEnds)
            {
                outage = null;
            }
            if (rnd.Next(150) == 0)
            {
                silent.Add(devices[rnd.Next(devices.Count)].Id);
            }
            if (silent.Count > 0 && rnd.Next(100) == 0)
            {
                silent.Remove(silent.First());
            }
            if (rnd.Next(400) == 0)
            {
                // a technician installs a luminaire, moves one to another circuit, or saves one again unchanged
                var d = rnd.Next(4) switch
                {
                    0 => new Device($"{Cities[rnd.Next(2)][^2..]}-lum-9{step:D4}", Cities[rnd.Next(2)], $"c{rnd.Next(1, 4)}", false),
                    1 => devices[rnd.Next(devices.Count)] with { Circuit = $"c{rnd.Next(1, 4)}" },
                    2 => devices[rnd.Next(devices.Count)],
                    _ => devices[rnd.Next(devices.Count)] with { City = Cities[rnd.Next(2)] },
                };
                devices.RemoveAll(x => x.Id == d.Id);
                devices.Add(d);
                Register(d);
            }
            if (rnd.Next(500) == 0)
            {
                // one taken out of the registry (its messages, if any, make it a device outside the registry)
                var gone = devices[rnd.Next(devices.Count)];
                devices.Remove(gone);
                var registered = devices.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
                Both(f => f.Unregister(registered, now));
            }
            for (var k = rnd.Next(0, 6); k > 0; k--)
            {
                var d = devices[rnd.Next(devices.Count)];
                if (silent.Contains(d.Id) || outage == $"{d.City}/{d.Circuit}")
                {
                    continue;
                }
                var kind = d.Hotspot ? DeviceKind.Hotspot : DeviceKind.Luminaire;
                var roll = rnd.Next(100);
                var s = seq[d.Id] = seq.GetValueOrDefault(d.Id) + 1;
                object payload = roll switch
                {
                    < 3 => new DeviceStatus { V = 1, State = "offline", Ts = now, Reason = rnd.Next(2) == 0 ? "shutdown" : null },
                    < 8 => new DeviceStatus { V = 1, State = "online", Ts = now, Firmware = "1.0.0" },
                    _ when d.Hotspot => new HotspotTelemetry { V = 1, Seq = s, Ts = now, BackhaulUp = rnd.Next(20) > 0, PortalOk = true, Clients = 2, UniqueClientsToday = 5, UptimeS = s },
                    _ => new LuminaireTelemetry { V = 1, Seq = s, Ts = now, EnergyWh = s, BurnSeconds = s, VoltageV = rnd.Next(15) == 0 ? 140 : 220, LampOn = true },
                };
                var stream = payload is DeviceStatus ? TopicStream.Status : TopicStream.Telemetry;
                Both(f => f.Apply(new TopicName(d.City, kind, d.Id, stream), payload, now));
            }
            if (step % 3 == 0)
            {
                Both(f => f.Sweep(now));
                incrementalSweeps += incremental.LastSweep.Full ? 0 : 1;
                AssertSame(incremental, whole, step);
            }
        }
        // the comparison is about something: most sweeps were partial, and outages raised alerts of every kind
        Assert.True(incrementalSweeps > 300, $"{incrementalSweeps} partial sweeps");
        var alerts = whole.Alerts(null, null);
        Assert.Contains(alerts, a => a.Type == "supplyLoss" && a.Scope == "circuit");
        Assert.Contains(alerts, a => a.Type == "communicationLoss");
    }

    [Fact]
    public void A_registry_edit_sweeps_the_whole_fleet_only_when_a_device_joins_or_changes_city_circuit_or_kind()
    {
        var fleet = new FleetState(TimeSpan.FromMinutes(3)) { FullSweepEvery = TimeSpan.FromDays(1) };
        var now = new DateTimeOffset(2026, 11, 20, 18, 0, 0, TimeSpan.Zero);
        fleet.Register("sc-lum-000001", "3548906", "luminaire", -22.5, -47.5, "Poste 1", "c1");
        fleet.Register("sc-lum-000002", "3548906", "luminaire", -22.5, -47.5, "Poste 2", "c1");
        fleet.Sweep(now);
        Assert.True(fleet.LastSweep.Full); // the first sweep
        fleet.Sweep(now = now.AddSeconds(5));
        Assert.False(fleet.LastSweep.Full);

        // renamed, moved on the map, saved again: the groups a drop is weighed against are as they were
        fleet.Register("sc-lum-000001", "3548906", "luminaire", -22.6, -47.6, "Poste 1 (praça)", "c1");
        fleet.Register("sc-lum-000002", "3548906", "luminaire", -22.5, -47.5, "Poste 2", "c1");
        fleet.Sweep(now = now.AddSeconds(5));
        Assert.False(fleet.LastSweep.Full);
        Assert.Equal("Poste 1 (praça)", fleet.Devices.Single(d => d.Id == "sc-lum-000001").Name);

        foreach (var edit in new Action[]
        {
            () => fleet.Register("sc-lum-000002", "3548906", "luminaire", -22.5, -47.5, "Poste 2", "c2"), // another circuit
            () => fleet.Register("sc-lum-000002", "3550308", "luminaire", -22.5, -47.5, "Poste 2", "c2"), // another city
            () => fleet.Register("sc-lum-000002", "3550308", "hotspot", -22.5, -47.5, "Poste 2", "c2"),   // another kind
            () => fleet.Register("sc-lum-000003", "3550308", "luminaire", -22.5, -47.5, "Poste 3", "c2"), // a new device
        })
        {
            edit();
            fleet.Sweep(now = now.AddSeconds(5));
            Assert.True(fleet.LastSweep.Full);
            fleet.Sweep(now = now.AddSeconds(5));
            Assert.False(fleet.LastSweep.Full);
        }
    }

    private static void AssertSame(FleetState incremental, FleetState whole, int step)
    {
        var a = incremental.Devices.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => $"{d.Id} {d.Online} {d.Status}").ToList();
        var b = whole.Devices.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => $"{d.Id} {d.Online} {d.Status}").ToList();
        Assert.True(a.SequenceEqual(b), $"step {step}: devices differ: {string.Join("; ", a.Except(b))} | {string.Join("; ", b.Except(a))}");
        static List<string> Alerts(FleetState f) => f.Alerts(null, null)
            .Select(x => $"{x.Device} {x.Type} {x.Scope} {x.Active} {x.OpenedAt:O} {x.ClosedAt:O} {x.Count} {x.Detail}")
            .Order(StringComparer.Ordinal).ToList();
        // the per-city counts kept as devices change equal a count over the fleet
        foreach (var f in new[] { incremental, whole })
        {
            var recount = f.Devices.GroupBy(d => d.City).ToDictionary(g => g.Key, g => (g.Count(d => d.Online), g.Count()));
            var kept = f.CountByCity().Where(kv => kv.Value.Total > 0 || kv.Value.Online != 0).ToDictionary();
            Assert.Equal(recount.OrderBy(kv => kv.Key), kept.OrderBy(kv => kv.Key));
        }
        var ia = Alerts(incremental);
        var wa = Alerts(whole);
        Assert.True(ia.SequenceEqual(wa), $"step {step}: alerts differ: {string.Join(" ; ", ia.Except(wa))} | {string.Join(" ; ", wa.Except(ia))}");
    }
}
