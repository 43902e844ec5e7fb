using System.Collections.Concurrent;
using System.Text.Json;
using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Fleet;

/// <summary>What the API shows about one device right now.</summary>
internal sealed class DeviceView
{
    public required string Id { get; init; }
    public required string City { get; set; }
    public required string Kind { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public string? Name { get; set; }
    public string? Circuit { get; set; }
    public bool InRegistry { get; set; }
    public bool Online { get; set; }
    public string? Status { get; set; }
    public string? Firmware { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public DateTimeOffset? LastTelemetryTs { get; set; }
    public LuminaireTelemetry? Luminaire { get; set; }
    public HotspotTelemetry? Hotspot { get; set; }
}

/// <summary>An alert: opened by a device event or a fleet rule, closed when the condition clears.</summary>
internal sealed class Alert
{
    public required long Id { get; init; }
    public required string Device { get; init; }
    public required string City { get; init; }
    public required string Type { get; init; }
    /// <summary><c>device</c>, or <c>city</c> for a fleet-level condition (e.g. supply loss of many devices at once).</summary>
    public required string Scope { get; init; }
    public bool Active { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Detail { get; set; }
    /// <summary>How many times the condition was reported while open (repeats do not open new alerts).</summary>
    public int Count { get; set; }
}

/// <summary>
/// In-memory view of the fleet fed by the ingestor after each commit: online/offline from status, will and heartbeat
/// timeout; latest readings; alerts from events. Offline devices are classified by the sweep: when many devices of a
/// city drop within one window it is a supply loss (one city alert), otherwise a communication loss per device.
/// </summary>
internal sealed class FleetState
{
    private readonly ConcurrentDictionary<string, DeviceView> _devices = new(StringComparer.Ordinal);
    private readonly List<Alert> _alerts = [];
    private readonly Dictionary<(string Device, string Type), Alert> _open = [];
    private readonly object _gate = new();
    private long _nextAlert;

    public FleetState(TimeSpan heartbeatTimeout, double supplyLossFraction = 0.3, int supplyLossMinDevices = 5)
    {
        HeartbeatTimeout = heartbeatTimeout;
        SupplyLossFraction = supplyLossFraction;
        SupplyLossMinDevices = supplyLossMinDevices;
    }

    /// <summary>A device silent for longer than this is offline even without a will (e.g. a dead link the broker has not noticed).</summary>
    public TimeSpan HeartbeatTimeout { get; }
    public double SupplyLossFraction { get; }
    public int SupplyLossMinDevices { get; }

    public event Action<Alert>? AlertChanged;

    public IReadOnlyCollection<DeviceView> Devices => (IReadOnlyCollection<DeviceView>)_devices.Values;

    public DeviceView? Find(string id) => _devices.TryGetValue(id, out var d) ? d : null;

    /// <summary>Declares a device from the registry (known position and name) so it is listed before it ever reports.</summary>
    public void Register(string id, string city, string kind, double? latitude, double? longitude, string? name, string? circuit = null)
    {
        var d = _devices.GetOrAdd(id, _ => new DeviceView { Id = id, City = city, Kind = kind });
        lock (d)
        {
            d.City = city;
            d.Kind = kind;
            d.Latitude = latitude;
            d.Longitude = longitude;
            d.Name = name;
            d.Circuit = circuit;
            d.InRegistry = true;
        }
    }

    private DeviceView Get(TopicName topic) =>
        _devices.GetOrAdd(topic.Device, _ => new DeviceView { Id = topic.Device, City = topic.City, Kind = TopicName.KindText(topic.Kind) });

    /// <summary>Applies a stored, valid message.</summary>
    public void Apply(TopicName topic, object payload, DateTimeOffset receivedAt)
    {
        var d = Get(topic);
        lock (d)
        {
            d.LastSeen = receivedAt;
            switch (payload)
            {
                case DeviceStatus s:
                    d.Status = s.State;
                    d.Online = s.State == "online";
                    d.Firmware = s.Firmware ?? d.Firmware;
                    break;
                case LuminaireTelemetry l:
                    d.Online = true;
                    if (d.LastTelemetryTs is null || l.Ts >= d.LastTelemetryTs)
                    {
                        d.Luminaire = l;
                        d.LastTelemetryTs = l.Ts;
                    }
                    break;
                case HotspotTelemetry h:
                    d.Online = true;
                    if (d.LastTelemetryTs is null || h.Ts >= d.LastTelemetryTs)
                    {
                        d.Hotspot = h;
                        d.LastTelemetryTs = h.Ts;
                    }
                    break;
                default:
                    d.Online = true;
                    break;
            }
        }
        if (payload is DeviceEvent e && e.Type is not null)
        {
            if (e.Active == true)
            {
                Open(d.Id, d.City, e.Type, "device", e.Ts ?? receivedAt, e.Detail);
            }
            else
            {
                Close(d.Id, e.Type, e.Ts ?? receivedAt);
            }
        }
        if (payload is not DeviceStatus { State: "offline" })
        {
            Close(d.Id, "offline", receivedAt);
        }
    }

    /// <summary>The broker published a device's will: the link was lost without a clean disconnect.</summary>
    public void ApplyWill(string device, DateTimeOffset at)
    {
        if (_devices.TryGetValue(device, out var d))
        {
            lock (d)
            {
                d.Online = false;
                d.Status = "offline";
            }
        }
    }

    /// <summary>
    /// Marks devices silent beyond the heartbeat timeout offline, and classifies offline devices: if at least
    /// <see cref="SupplyLossFraction"/> of a city's devices (and <see cref="SupplyLossMinDevices"/>) went silent within
    /// one timeout window, one city-scope <c>supplyLoss</c> alert is opened instead of one alert per device.
    /// </summary>
    public void Sweep(DateTimeOffset now)
    {
        foreach (var group in _devices.Values.GroupBy(d => d.City))
        {
            var offline = new List<DeviceView>();
            var total = 0;
            foreach (var d in group)
            {
                total++;
                lock (d)
                {
                    if (d.Online && d.LastSeen is { } seen && now - seen > HeartbeatTimeout)
                    {
                        d.Online = false;
                        d.Status = "silent";
                    }
                    if (!d.Online && d.LastSeen is not null)
                    {
                        offline.Add(d);
                    }
                }
            }
            var recent = offline.Where(d => d.LastSeen is { } s && offline.Count > 0).ToList();
            var newest = recent.Count == 0 ? default : recent.Max(d => d.LastSeen!.Value);
            var together = recent.Where(d => newest - d.LastSeen!.Value <= HeartbeatTimeout).ToList();
            var city = group.Key;
            if (together.Count >= SupplyLossMinDevices && together.Count >= SupplyLossFraction * total)
            {
                Open($"city-{city}", city, EventTypes.SupplyLoss, "city", together.Min(d => d.LastSeen!.Value),
                    $"{together.Count} of {total} devices went silent together: supply or area network loss");
                foreach (var d in together)
                {
                    Close(d.Id, "offline", now);
                }
            }
            else
            {
                Close($"city-{city}", EventTypes.SupplyLoss, now);
                foreach (var d in offline)
                {
                    Open(d.Id, d.City, "offline", "device", d.LastSeen!.Value, "no message within the heartbeat timeout or the broker published its will: communication loss");
                }
            }
        }
    }

    private void Open(string device, string city, string type, string scope, DateTimeOffset at, string? detail)
    {
        Alert? changed = null;
        lock (_gate)
        {
            if (_open.TryGetValue((device, type), out var existing))
            {
                existing.Count++;
                existing.Detail = detail ?? existing.Detail;
            }
            else
            {
                var a = new Alert { Id = ++_nextAlert, Device = device, City = city, Type = type, Scope = scope, Active = true, OpenedAt = at, Detail = detail, Count = 1 };
                _alerts.Add(a);
                _open[(device, type)] = a;
                changed = a;
            }
        }
        if (changed is not null)
        {
            AlertChanged?.Invoke(changed);
        }
    }

    private void Close(string device, string type, DateTimeOffset at)
    {
        Alert? changed = null;
        lock (_gate)
        {
            if (_open.Remove((device, type), out var a))
            {
                a.Active = false;
                a.ClosedAt = at;
                changed = a;
            }
        }
        if (changed is not null)
        {
            AlertChanged?.Invoke(changed);
        }
    }

    public List<Alert> Alerts(string? city, bool? active)
    {
        lock (_gate)
        {
            return _alerts.Where(a => (city is null || a.City == city) && (active is null || a.Active == active)).OrderByDescending(a => a.OpenedAt).ToList();
        }
    }

    public int OpenAlerts(string? city = null, string? device = null)
    {
        lock (_gate)
        {
            return _open.Values.Count(a => (city is null || a.City == city) && (device is null || a.Device == device));
        }
    }

    public static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
