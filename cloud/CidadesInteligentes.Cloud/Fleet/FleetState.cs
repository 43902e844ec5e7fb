using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Cloud.Domain.Fleet;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Fleet;

/// <summary>
/// In-memory view of the fleet fed by the ingestor after each commit: online/offline from status, will and heartbeat
/// timeout; latest readings. The rules are the domain's: alerts live in an <see cref="AlertBook"/> (events, hotspot
/// backhaul/portal, luminaire low voltage, re-open debounce) and the sweep classifies offline devices with
/// <see cref="FleetHealth.Evaluate"/>. Many devices of one circuit (or city) dropping together is a supply loss and
/// opens one circuit- or city-scope alert instead of one per device; a device dropping on its own is a
/// communication loss of that device. Thread-safe: the book is guarded by one lock, each device view by its own.
/// </summary>
internal sealed partial class FleetState
{
    private readonly ConcurrentDictionary<string, DeviceView> _devices = new(StringComparer.Ordinal);
    private readonly AlertBook _book;
    // devices with open alerts and how many (a device whose last alert closed leaves it: the sweep visits its keys)
    private readonly Dictionary<string, int> _openByDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _openByCity = new(StringComparer.Ordinal);
    private readonly HashSet<string> _groupAlerts = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private int _openTotal;

    /// <param name="restore">Alerts saved before a restart (<see cref="Storage.SqliteStore.LoadAlerts"/>): open ones stay
    /// open, so the same condition seen again counts on instead of opening a second alert.</param>
    public FleetState(TimeSpan heartbeatTimeout, FleetHealthOptions? options = null, TimeSpan? reopenDebounce = null,
        IEnumerable<CidadesInteligentes.Cloud.Domain.Fleet.Alert>? restore = null)
    {
        Options = (options ?? FleetHealthOptions.Default) with { HeartbeatTimeout = heartbeatTimeout };
        _book = new AlertBook(reopenDebounce, restore);
        foreach (var a in _book.List(active: true))
        {
            _openTotal++;
            _openByDevice[a.Device] = _openByDevice.GetValueOrDefault(a.Device) + 1;
            _openByCity[a.City] = _openByCity.GetValueOrDefault(a.City) + 1;
            if (a.Scope != "device" && a.Type == OfflineCauses.SupplyLoss)
            {
                _groupAlerts.Add(a.Device); // the sweep closes it when that outage is over
            }
        }
    }

    /// <summary>The fleet health rules in force (heartbeat timeout, together window, supply-loss thresholds, low voltage).</summary>
    public FleetHealthOptions Options { get; }

    /// <summary>A device silent for longer than this is offline even without a will (e.g. a dead link the broker has not noticed).</summary>
    public TimeSpan HeartbeatTimeout => Options.HeartbeatTimeout;

    /// <summary>Raised (outside any lock) when an alert opens, re-opens or closes; repeats of an open alert do not raise it.</summary>
    public event Action<Alert>? AlertChanged;

    public IReadOnlyCollection<DeviceView> Devices => (IReadOnlyCollection<DeviceView>)_devices.Values;

    public DeviceView? Find(string id) => _devices.TryGetValue(id, out var d) ? d : null;

    /// <summary>Declares a device from the registry (known position, name and supply circuit) so it is listed before it ever reports.</summary>
    public void Register(string id, string city, string kind, double? latitude, double? longitude, string? name, string? circuit = null)
    {
        var d = GetOrAdd(id, city, kind);
        string previousCity;
        bool grouping;
        lock (d)
        {
            previousCity = d.City;
            grouping = previousCity != city || d.Kind != kind || d.Circuit != circuit;
            if (previousCity != city && !d.Removed)
            {
                Count(previousCity, d.Online ? -1 : 0, -1);
                Count(city, d.Online ? 1 : 0, 1);
            }
            d.City = city;
            d.Kind = kind;
            d.Latitude = latitude;
            d.Longitude = longitude;
            d.Name = name;
            d.Circuit = circuit;
            d.InRegistry = true;
        }
        if (previousCity != city)
        {
            Reindex(d, previousCity);
        }
        // the groups the sweep weighs a drop against (city, circuit) changed: sweep the whole fleet once. A registry edit
        // that leaves them as they were (a name, a location, the same device saved again) does not
        if (grouping)
        {
            _membershipChanged = true;
        }
    }

    /// <summary>
    /// Devices taken out of the registry (declared by <see cref="Register"/> and not in <paramref name="registered"/>)
    /// are no longer listed or counted, and their open alerts close at <paramref name="now"/>. One that reports again
    /// is listed again, as a device outside the registry.
    /// </summary>
    public void Unregister(IReadOnlySet<string> registered, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in _devices.Values)
        {
            if (d.InRegistry && !registered.Contains(d.Id) && _devices.TryRemove(d.Id, out _))
            {
                lock (d)
                {
                    Count(d.City, d.Online ? -1 : 0, -1);
                    d.Removed = true;
                }
                Unindex(d);
                removed.Add(d.Id);
                _membershipChanged = true;
            }
        }
        CloseAlertsOf(removed, now);
    }

    /// <summary>Closes the open alerts of <paramref name="devices"/> at <paramref name="now"/> (devices no longer in the registry).</summary>
    public void CloseAlertsOf(IReadOnlySet<string> devices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0)
        {
            return;
        }
        List<AlertChange> changes;
        lock (_gate)
        {
            changes = [.. _book.CloseDevices(devices, now)];
            Count(changes);
        }
        Notify(changes);
    }

    private DeviceView Get(TopicName topic) =>
        GetOrAdd(topic.Device, topic.City, TopicName.KindText(topic.Kind));

    /// <summary>Applies a stored, valid message.</summary>
    public void Apply(TopicName topic, object payload, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var d = Get(topic);
        var newest = false;
        string city;
        lock (d)
        {
            city = d.City;
            d.LastSeen = receivedAt;
            switch (payload)
            {
                case DeviceStatus s:
                    d.Status = s.State;
                    d.ReportedStatus = s.State;
                    d.StatusAt = receivedAt;
                    d.StatusReason = s.Reason;
                    SetOnline(d, s.State == "online");
                    d.Firmware = s.Firmware ?? d.Firmware;
                    break;
                case LuminaireTelemetry l:
                    MarkAlive(d);
                    if (d.LastTelemetryTs is null || l.Ts >= d.LastTelemetryTs)
                    {
                        d.Luminaire = l;
                        d.LastTelemetryTs = l.Ts;
                        newest = true;
                    }
                    break;
                case HotspotTelemetry h:
                    MarkAlive(d);
                    if (d.LastTelemetryTs is null || h.Ts >= d.LastTelemetryTs)
                    {
                        d.Hotspot = h;
                        d.LastTelemetryTs = h.Ts;
                        newest = true;
                    }
                    break;
                default:
                    MarkAlive(d);
                    break;
            }
        }
        Touch(d);
        // most messages change no alert: the list is made only when one does
        List<AlertChange>? changes = null;
        lock (_gate)
        {
            switch (payload)
            {
                case DeviceEvent e:
                    Add(ref changes, _book.Apply(d.Id, city, e, receivedAt));
                    break;
                // thresholds follow the newest reading only: a late replay must not flip an alert back
                case LuminaireTelemetry l when newest:
                    Add(ref changes, _book.ApplyTelemetry(d.Id, city, l, receivedAt, Options.LowVoltageV));
                    break;
                case HotspotTelemetry h when newest:
                    var hotspotChanges = _book.ApplyTelemetry(d.Id, city, h, receivedAt);
                    if (hotspotChanges.Count > 0)
                    {
                        (changes ??= []).AddRange(hotspotChanges);
                    }
                    break;
            }
            if (payload is not DeviceStatus { State: "offline" })
            {
                // it spoke: whatever cut it off is over (a supply loss is closed by the sweep or by its voltage)
                Add(ref changes, _book.Clear(d.Id, OfflineCauses.CommunicationLoss, receivedAt));
            }
            if (changes is null)
            {
                return;
            }
            Count(changes);
        }
        Notify(changes);
    }

    private void MarkAlive(DeviceView d)
    {
        SetOnline(d, true);
        if (d.Status == "silent")
        {
            d.Status = d.ReportedStatus;
        }
    }

    private static void Add(ref List<AlertChange>? list, AlertChange? change)
    {
        if (change is not null)
        {
            (list ??= []).Add(change);
        }
    }

    private static void Add(List<AlertChange> list, AlertChange? change)
    {
        if (change is not null)
        {
            list.Add(change);
        }
    }

    /// <summary>Keeps the open-alert counters (caller holds <see cref="_gate"/>).</summary>
    private void Count(List<AlertChange> changes)
    {
        foreach (var c in changes)
        {
            var delta = c.Change == AlertChange.Closed ? -1 : 1;
            _openTotal += delta;
            var open = _openByDevice.GetValueOrDefault(c.Alert.Device) + delta;
            if (open > 0)
            {
                _openByDevice[c.Alert.Device] = open;
            }
            else
            {
                _openByDevice.Remove(c.Alert.Device);
            }
            _openByCity[c.Alert.City] = _openByCity.GetValueOrDefault(c.Alert.City) + delta;
        }
    }

    private void Notify(List<AlertChange> changes)
    {
        foreach (var c in changes)
        {
            AlertChanged?.Invoke(Alert.From(c.Alert));
        }
    }

    public List<Alert> Alerts(string? city, bool? active)
    {
        lock (_gate)
        {
            return _book.List(city, active).Select(Alert.From).ToList();
        }
    }

    public int OpenAlerts(string? city = null, string? device = null)
    {
        lock (_gate)
        {
            if (device is not null)
            {
                return city is null ? _openByDevice.GetValueOrDefault(device) : _book.List(city, true).Count(a => a.Device == device);
            }
            return city is null ? _openTotal : _openByCity.GetValueOrDefault(city);
        }
    }

    public static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
