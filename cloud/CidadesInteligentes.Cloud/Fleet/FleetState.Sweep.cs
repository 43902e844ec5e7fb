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

    // The sweep visits only the views whose state can have changed since the last one (docs/performance.md, "Fleet view
    // at 645,000 devices"): those a message changed, those whose heartbeat deadline passed (kept in time order), those
    // found offline and those with open alerts. Every other view is online with nothing to close, which the sweep would
    // leave as it is. The whole fleet is swept at start, when devices join, leave or move (the sizes of the circuits and
    // cities a drop is weighed against) and every FullSweepEvery as a safety net.
    private readonly System.Collections.Concurrent.ConcurrentQueue<DeviceView> _touched = new();
    private readonly PriorityQueue<DeviceView, DateTimeOffset> _deadlines = new();
    private readonly HashSet<DeviceView> _notOnline = new(ReferenceEqualityComparer.Instance);
    private readonly object _sweepGate = new();
    private IReadOnlyDictionary<(string City, string? Circuit), int> _groupSizes = new Dictionary<(string City, string? Circuit), int>();
    private volatile bool _membershipChanged = true;
    private DateTimeOffset _lastFullSweep = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>How often the whole fleet is swept even when no device joined, left or moved.</summary>
    internal TimeSpan FullSweepEvery { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many devices the last sweep evaluated, and whether it was a whole-fleet sweep (for tests and the bench).</summary>
    internal (int Devices, bool Full) LastSweep { get; private set; }

    /// <summary>Notes that a message changed <paramref name="d"/>: the next sweep evaluates it.</summary>
    private void Touch(DeviceView d)
    {
        if (Interlocked.Exchange(ref d.Touched, 1) == 0)
        {
            _touched.Enqueue(d);
        }
    }

    public void Sweep(DateTimeOffset now)
    {
        lock (_sweepGate)
        {
            SweepLocked(now);
        }
    }

    /// <summary>The views this sweep evaluates: the whole fleet, or those whose state can have changed.</summary>
    private List<DeviceView> ToEvaluate(DateTimeOffset now, out bool full)
    {
        full = _membershipChanged || now - _lastFullSweep >= FullSweepEvery || now < _lastSweep;
        var views = new List<DeviceView>(full ? _devices.Count : _touched.Count + _notOnline.Count + 64);
        while (_touched.TryDequeue(out var t))
        {
            Volatile.Write(ref t.Touched, 0);
            if (!full)
            {
                views.Add(t);
            }
        }
        if (full)
        {
            // cleared before the pass: a device joining meanwhile makes the next sweep whole again
            _membershipChanged = false;
            _lastFullSweep = now;
            foreach (var (d, _) in _deadlines.UnorderedItems)
            {
                d.Scheduled = false;
            }
            _deadlines.Clear();
            _notOnline.Clear();
            // the dictionary's own enumerator: no lock on every bucket and no copy of all values first
            foreach (var kv in _devices)
            {
                views.Add(kv.Value);
            }
            return views;
        }
        while (_deadlines.TryPeek(out var d, out var until) && until < now)
        {
            _deadlines.Dequeue();
            d.Scheduled = false;
            views.Add(d);
        }
        views.AddRange(_notOnline);
        lock (_gate)
        {
            foreach (var id in _openByDevice.Keys)
            {
                if (_devices.TryGetValue(id, out var v))
                {
                    views.Add(v);
                }
            }
        }
        // once each, and only views still in the fleet (not replaced or taken out of the registry)
        var seen = new HashSet<DeviceView>(ReferenceEqualityComparer.Instance);
        views.RemoveAll(v => !seen.Add(v) || !_devices.TryGetValue(v.Id, out var current) || !ReferenceEquals(current, v));
        return views;
    }

    private void SweepLocked(DateTimeOffset now)
    {
        var views = ToEvaluate(now, out var full);
        _lastSweep = now;
        LastSweep = (views.Count, full);
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
        if (full)
        {
            _groupSizes = FleetHealth.GroupSizes(snapshots);
        }
        var report = FleetHealth.Evaluate(snapshots, now, Options, _groupSizes);
        for (var i = 0; i < views.Count; i++)
        {
            // what the next sweep must look at: an online device when its deadline passes, an offline one every time
            var h = report.Devices[i];
            if (h.Online)
            {
                _notOnline.Remove(views[i]);
                if (!views[i].Scheduled && FleetHealth.OnlineUntil(snapshots[i], Options) is { } until)
                {
                    views[i].Scheduled = true;
                    _deadlines.Enqueue(views[i], until);
                }
            }
            else if (snapshots[i].LastSeen is not null || snapshots[i].StatusAt is not null)
            {
                _notOnline.Add(views[i]);
            }
        }

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
                    SetOnline(d, h.Online);
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
                var size = _groupSizes.GetValueOrDefault(first.Scope == "circuit" ? (first.City, first.Circuit) : (first.City, null));
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
