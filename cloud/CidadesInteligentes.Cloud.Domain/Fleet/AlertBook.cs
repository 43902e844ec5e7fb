using System.Globalization;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>
/// Opens and closes alerts from device events, telemetry thresholds and fleet health without storms: one open
/// alert per device and type (repeats only bump its count), and a condition that comes back within
/// <see cref="ReopenDebounce"/> of closing re-opens the same alert instead of creating a new one.
/// Not thread-safe: the host serialises calls.
/// </summary>
public sealed class AlertBook
{
    private readonly Dictionary<(string Device, string Type), Alert> _latest = [];
    private readonly List<Alert> _all = [];
    private long _nextId = 1;

    public AlertBook(TimeSpan? reopenDebounce = null, IEnumerable<Alert>? restore = null)
    {
        ReopenDebounce = reopenDebounce ?? TimeSpan.FromMinutes(5);
        foreach (var a in restore ?? [])
        {
            _all.Add(a);
            var key = (a.Device, a.Type);
            if (!_latest.TryGetValue(key, out var cur) || a.Active || (!cur.Active && a.OpenedAt > cur.OpenedAt))
            {
                _latest[key] = a;
            }
            _nextId = Math.Max(_nextId, a.Id + 1);
        }
    }

    public TimeSpan ReopenDebounce { get; }

    /// <summary>Alerts, newest first, optionally of one city and/or only the open ones (snapshots).</summary>
    public IReadOnlyList<Alert> List(string? city = null, bool? active = null) =>
        _all.Where(a => (city is null || a.City == city) && (active is null || a.Active == active))
            .OrderByDescending(a => a.OpenedAt).ThenByDescending(a => a.Id).Select(a => a.Copy()).ToList();

    public int OpenCount(string? city = null) => _all.Count(a => a.Active && (city is null || a.City == city));

    /// <summary>The condition holds: open (or re-open, or count on) the device's alert of this type.</summary>
    public AlertChange? Raise(string device, string city, string type, DateTimeOffset at, string? detail = null, string scope = "device")
    {
        var key = (device, type);
        if (_latest.TryGetValue(key, out var alert))
        {
            if (alert.Active)
            {
                alert.Count++;
                alert.Detail = detail ?? alert.Detail;
                alert.Scope = scope;
                return null; // already open: no new notification
            }
            if (alert.ClosedAt is { } closed && at - closed <= ReopenDebounce)
            {
                alert.Active = true;
                alert.ClosedAt = null;
                alert.Count++;
                alert.Detail = detail ?? alert.Detail;
                alert.Scope = scope;
                return new AlertChange(AlertChange.Reopened, alert.Copy());
            }
        }
        var created = new Alert
        {
            Id = _nextId++, Device = device, City = city, Type = type, Scope = scope,
            Active = true, OpenedAt = at, Detail = detail, Count = 1,
        };
        _latest[key] = created;
        _all.Add(created);
        return new AlertChange(AlertChange.Opened, created.Copy());
    }

    /// <summary>The condition cleared: close the open alert, if any.</summary>
    public AlertChange? Clear(string device, string type, DateTimeOffset at)
    {
        if (!_latest.TryGetValue((device, type), out var alert) || !alert.Active)
        {
            return null;
        }
        alert.Active = false;
        alert.ClosedAt = at;
        return new AlertChange(AlertChange.Closed, alert.Copy());
    }

    /// <summary>Closes every open alert of these devices (taken out of the fleet), in id order.</summary>
    public IReadOnlyList<AlertChange> CloseDevices(IReadOnlySet<string> devices, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var changes = new List<AlertChange>();
        foreach (var ((device, type), alert) in _latest.OrderBy(kv => kv.Value.Id))
        {
            if (alert.Active && devices.Contains(device))
            {
                Add(changes, Clear(device, type, at));
            }
        }
        return changes;
    }

    /// <summary>A device event (<c>active</c> true opens, false closes).</summary>
    public AlertChange? Apply(string device, string city, DeviceEvent ev, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(ev);
        if (ev.Type is not { Length: > 0 } type)
        {
            return null;
        }
        var at = ev.Ts ?? receivedAt;
        return ev.Active == false ? Clear(device, type, at) : Raise(device, city, type, at, ev.Detail);
    }

    /// <summary>Hotspot thresholds: backhaul and portal down/up.</summary>
    public IReadOnlyList<AlertChange> ApplyTelemetry(string device, string city, HotspotTelemetry t, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(t);
        var at = t.Ts ?? receivedAt;
        var changes = new List<AlertChange>(2);
        Add(changes, t.BackhaulUp == false ? Raise(device, city, EventTypes.BackhaulDown, at, "backhaul probe failed") : t.BackhaulUp == true ? Clear(device, EventTypes.BackhaulDown, at) : null);
        Add(changes, t.PortalOk == false ? Raise(device, city, EventTypes.PortalDown, at, "captive portal did not answer") : t.PortalOk == true ? Clear(device, EventTypes.PortalDown, at) : null);
        return changes;
    }

    /// <summary>Luminaire threshold: supply voltage below <paramref name="lowVoltageV"/> (cleared 10 V above it, so it does not flap).</summary>
    public AlertChange? ApplyTelemetry(string device, string city, LuminaireTelemetry t, DateTimeOffset receivedAt, double lowVoltageV = 150)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.VoltageV is not { } v)
        {
            return null;
        }
        var at = t.Ts ?? receivedAt;
        if (v < lowVoltageV)
        {
            return Raise(device, city, EventTypes.SupplyLoss, at, string.Create(CultureInfo.InvariantCulture, $"supply {v:0.#} V"));
        }
        return v >= lowVoltageV + 10 ? Clear(device, EventTypes.SupplyLoss, at) : null;
    }

    /// <summary>Offline devices raise <c>supplyLoss</c> or <c>communicationLoss</c>; devices back online close both.</summary>
    public IReadOnlyList<AlertChange> ApplyHealth(FleetHealthReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var changes = new List<AlertChange>();
        foreach (var d in report.Devices)
        {
            if (d.Online)
            {
                Add(changes, Clear(d.Id, OfflineCauses.SupplyLoss, now));
                Add(changes, Clear(d.Id, OfflineCauses.CommunicationLoss, now));
            }
            else if (d.Cause is OfflineCauses.SupplyLoss or OfflineCauses.CommunicationLoss)
            {
                var other = d.Cause == OfflineCauses.SupplyLoss ? OfflineCauses.CommunicationLoss : OfflineCauses.SupplyLoss;
                Add(changes, Clear(d.Id, other, now)); // reclassified once more devices dropped
                if (IsOpen(d.Id, d.Cause))
                {
                    continue; // re-evaluating the same outage is not a repeat of the condition
                }
                var detail = d.Scope == "device" ? "offline since " : $"offline with its {d.Scope} since ";
                Add(changes, Raise(d.Id, d.City, d.Cause, d.OfflineSince ?? now,
                    detail + (d.OfflineSince ?? now).ToString("u", CultureInfo.InvariantCulture), d.Scope));
            }
        }
        return changes;
    }

    /// <summary>
    /// Forgets alerts closed before <paramref name="closedBefore"/> (the store keeps them), so a running book does not
    /// grow with time; open alerts and the next id are kept. Returns how many were forgotten.
    /// </summary>
    public int Prune(DateTimeOffset closedBefore)
    {
        var removed = _all.RemoveAll(a => !a.Active && a.ClosedAt < closedBefore);
        if (removed > 0)
        {
            foreach (var key in _latest.Where(kv => !kv.Value.Active && kv.Value.ClosedAt < closedBefore).Select(kv => kv.Key).ToList())
            {
                _latest.Remove(key);
            }
        }
        return removed;
    }

    public bool IsOpen(string device, string type) => _latest.TryGetValue((device, type), out var a) && a.Active;

    private static void Add(List<AlertChange> list, AlertChange? change)
    {
        if (change is not null)
        {
            list.Add(change);
        }
    }
}
