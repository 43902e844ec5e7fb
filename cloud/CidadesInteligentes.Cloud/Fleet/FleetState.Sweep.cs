using System.Globalization;
using CidadesInteligentes.Cloud.Domain.Fleet;

namespace CidadesInteligentes.Cloud.Fleet;

/// <summary>The heartbeat sweep: offline devices, and supply loss versus communication loss.</summary>
internal sealed partial class FleetState
{
    /// <summary>
    /// Re-evaluates the fleet with <see cref="FleetHealth.Evaluate"/>: devices silent beyond the heartbeat timeout go
    /// offline; offline devices raise a device <c>communicationLoss</c> (or <c>supplyLoss</c> on low voltage) alert,
    /// while a drop of many devices of one circuit or city raises one <c>supplyLoss</c> alert for the circuit
    /// (device <c>circuit-{city}-{circuit}</c>) or the city (device <c>city-{city}</c>); devices back online close theirs.
    /// </summary>
    /// <summary>How long closed alerts stay in the view (and are restored at start); older ones remain in the store only.</summary>
    public static readonly TimeSpan AlertHistory = TimeSpan.FromDays(90);

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public void Sweep(DateTimeOffset now)
    {
        // the dictionary's own enumerator: no lock on every bucket and no copy of all values first (645,000 at state scale)
        var views = new List<DeviceView>(_devices.Count);
        foreach (var kv in _devices)
        {
            views.Add(kv.Value);
        }
        var snapshots = new DeviceSnapshot[views.Count];
        for (var i = 0; i < views.Count; i++)
        {
            var d = views[i];
            lock (d)
            {
                snapshots[i] = new DeviceSnapshot(d.Id, d.City, d.Kind, d.Circuit, d.ReportedStatus, d.StatusAt, d.StatusReason,
                    d.LastSeen, d.Luminaire?.VoltageV);
            }
        }
        var report = FleetHealth.Evaluate(snapshots, now, Options);

        var perDevice = new List<DeviceHealth>();
        var keepOpen = new List<DeviceHealth>(); // online with a low supply voltage: its supply alert is the telemetry's to close
        var grouped = new List<DeviceHealth>();
        for (var i = 0; i < views.Count; i++)
        {
            var d = views[i];
            var h = report.Devices[i];
            lock (d)
            {
                if (d.LastSeen != snapshots[i].LastSeen || d.StatusAt != snapshots[i].StatusAt)
                {
                    continue; // it spoke while we evaluated: the next sweep judges it
                }
                if (snapshots[i].LastSeen is not null || snapshots[i].StatusAt is not null)
                {
                    d.Online = h.Online;
                    if (!h.Online && d.ReportedStatus != "offline")
                    {
                        d.Status = "silent";
                    }
                }
            }
            if (h.Online && snapshots[i].LastVoltageV is { } v && v < Options.LowVoltageV + 10)
            {
                keepOpen.Add(h);
            }
            else if (!h.Online && h.Cause == OfflineCauses.SupplyLoss && h.Scope != "device")
            {
                grouped.Add(h);
            }
            else
            {
                perDevice.Add(h);
            }
        }

        var changes = new List<AlertChange>();
        lock (_gate)
        {
            changes.AddRange(_book.ApplyHealth(new FleetHealthReport { Devices = perDevice }, now));
            foreach (var h in keepOpen)
            {
                Add(changes, _book.Clear(h.Id, OfflineCauses.CommunicationLoss, now));
            }
            var groups = new HashSet<string>(StringComparer.Ordinal);
            foreach (var g in grouped.GroupBy(h => GroupId(h), StringComparer.Ordinal))
            {
                groups.Add(g.Key);
                foreach (var h in g)
                {
                    // part of a wider outage: no alert of its own (reclassified if it dropped first on its own)
                    Add(changes, _book.Clear(h.Id, OfflineCauses.CommunicationLoss, now));
                }
                if (_book.IsOpen(g.Key, OfflineCauses.SupplyLoss))
                {
                    continue; // the same outage seen again is not a repeat
                }
                var first = g.First();
                var since = g.Min(h => h.OfflineSince ?? now);
                var size = first.Scope == "circuit"
                    ? report.Devices.Count(x => x.City == first.City && x.Circuit == first.Circuit)
                    : report.TotalIn(first.City);
                var what = first.Scope == "circuit" ? $"circuit {first.Circuit}" : "the city";
                Add(changes, _book.Raise(g.Key, first.City, OfflineCauses.SupplyLoss, since,
                    string.Create(CultureInfo.InvariantCulture, $"{g.Count()} of {size} devices of {what} went silent together since {since:u}: supply loss"),
                    first.Scope));
                _groupAlerts.Add(g.Key);
            }
            foreach (var key in _groupAlerts.Where(k => !groups.Contains(k)).ToList())
            {
                Add(changes, _book.Clear(key, OfflineCauses.SupplyLoss, now));
                _groupAlerts.Remove(key);
            }
            Count(changes);
            if (now - _lastPrune >= TimeSpan.FromHours(1))
            {
                _book.Prune(now - AlertHistory);
                _lastPrune = now;
            }
        }
        Notify(changes);
    }

    private static string GroupId(DeviceHealth h) => h.Scope == "circuit" ? $"circuit-{h.City}-{h.Circuit}" : $"city-{h.City}";
}
