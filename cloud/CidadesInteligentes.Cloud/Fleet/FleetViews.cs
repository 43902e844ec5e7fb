using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Fleet;

// What the fleet view hands to the API: one device's state and one alert (snapshots).

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
    /// <summary>Set only through the fleet (<c>FleetState.SetOnline</c>), which keeps each city's counts with it.</summary>
    public bool Online { get; internal set; }
    /// <summary>What the API shows: the reported status, or <c>silent</c> once the heartbeat timeout passed.</summary>
    public string? Status { get; set; }
    /// <summary>The last status the device (or its will) reported, when it was received and why (<c>shutdown</c>).</summary>
    public string? ReportedStatus { get; set; }
    public DateTimeOffset? StatusAt { get; set; }
    public string? StatusReason { get; set; }
    public string? Firmware { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public DateTimeOffset? LastTelemetryTs { get; set; }
    public LuminaireTelemetry? Luminaire { get; set; }
    public HotspotTelemetry? Hotspot { get; set; }

    /// <summary>1 while the view waits in the fleet's list of views changed since the last sweep (set and cleared atomically).</summary>
    internal int Touched;

    /// <summary>Waiting in the sweep's deadline queue (read and written by the sweep only, one at a time).</summary>
    internal bool Scheduled;

    /// <summary>Taken out of the fleet (under its lock): a message still applied to it changes no count.</summary>
    internal bool Removed;
}

/// <summary>An alert: opened by a device event or a fleet rule, closed when the condition clears.</summary>
internal sealed class Alert
{
    public required long Id { get; init; }
    public required string Device { get; init; }
    public required string City { get; init; }
    public required string Type { get; init; }
    /// <summary><c>device</c>, or <c>circuit</c> / <c>city</c> for a fleet-level condition (supply loss of many devices at once).</summary>
    public required string Scope { get; init; }
    public bool Active { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? Detail { get; set; }
    /// <summary>How many times the condition was reported while open (repeats do not open new alerts).</summary>
    public int Count { get; set; }

    internal static Alert From(CidadesInteligentes.Cloud.Domain.Fleet.Alert a) => new()
    {
        Id = a.Id, Device = a.Device, City = a.City, Type = a.Type, Scope = a.Scope, Active = a.Active,
        OpenedAt = a.OpenedAt, ClosedAt = a.ClosedAt, Detail = a.Detail, Count = a.Count,
    };
}
