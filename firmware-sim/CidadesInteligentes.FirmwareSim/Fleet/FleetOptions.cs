using CidadesInteligentes.FirmwareSim.Faults;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>Everything a fleet run needs; <see cref="FleetOptionsBinder"/> fills it from <c>--Section:Key value</c> arguments.</summary>
public sealed record FleetOptions
{
    /// <summary><c>--Mqtt:Host</c>, <c>--Mqtt:Port</c>: the broker of the cloud under test.</summary>
    public string MqttHost { get; init; } = "127.0.0.1";
    public int MqttPort { get; init; } = 1883;

    /// <summary><c>--Mqtt:MaxInFlight</c>: QoS 1 publishes awaiting PUBACK per device (bounded window).</summary>
    public int MaxInFlightPerDevice { get; init; } = 8;

    /// <summary><c>--Mqtt:DrainPerSecond</c>: per-device publish rate limit in real time (ignored in load mode).</summary>
    public double DrainPerSecond { get; init; } = 200;

    /// <summary><c>--Fleet:Registry</c>: registry JSON file; when null the embedded demo registry is used.</summary>
    public string? RegistryPath { get; init; }

    /// <summary><c>--Fleet:Registry</c> content given in process (wins over <see cref="RegistryPath"/>).</summary>
    public string? RegistryJson { get; init; }

    /// <summary><c>--Fleet:Cities N</c>: only the first N cities of the registry (null: all).</summary>
    public int? Cities { get; init; }

    /// <summary><c>--Fleet:LuminairesPerCity</c>, <c>--Fleet:HotspotsPerCity</c>: fleet size (null: as the registry says).</summary>
    public int? LuminairesPerCity { get; init; }
    public int? HotspotsPerCity { get; init; }

    /// <summary><c>--Fleet:Seed</c>: makes physics and failures reproducible.</summary>
    public long Seed { get; init; } = 1;

    /// <summary><c>--Fleet:Secrets</c>: file of <c>deviceId secret</c> lines (the MQTT password of each device).</summary>
    public string? SecretsPath { get; init; }

    /// <summary>Device secrets given in process (wins over <see cref="SecretsPath"/>); a device without one gets a random secret.</summary>
    public IReadOnlyDictionary<string, string>? Secrets { get; init; }

    /// <summary><c>--Fleet:DataDirectory</c>: where the simulated devices keep their files (null: a temporary directory, deleted at the end).</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>--Clock:Start</c> (UTC): null = now minus (Until − Start) … i.e. now when Until is not set.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary><c>--Clock:Until</c>: end of the run; null = run until cancelled.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary><c>--Clock:Until live</c>: catch up from Start at Speed, then continue in real time until cancelled.</summary>
    public bool Live { get; init; }

    /// <summary><c>--Clock:Speed</c>: simulated seconds per real second (1 = real time, <c>max</c> = unpaced).</summary>
    public double Speed { get; init; } = 1;

    /// <summary><c>--Clock:StepSeconds</c>: resolution of the control loop (null: 60 s, or 300 s when the telemetry interval is ≥ 900 s).</summary>
    public int? StepSeconds { get; init; }

    /// <summary><c>--Telemetry:IntervalSeconds</c> (null: 60 s at real time, 900 s when accelerated).</summary>
    public int? TelemetryIntervalSeconds { get; init; }

    /// <summary>
    /// <c>--Telemetry:LiveIntervalSeconds</c>: telemetry period once a <see cref="Live"/> run has caught up with the wall
    /// clock; the replay before it keeps <see cref="TelemetryIntervalSeconds"/>. The cloud's heartbeat timeout (300 s by
    /// default) must see a message more often than that, or the whole fleet shows offline minutes after going live.
    /// </summary>
    public int LiveTelemetryIntervalSeconds { get; init; } = 60;

    /// <summary><c>--Load:Enabled</c>: unpaced, no per-device rate limit, publish as fast as the broker acknowledges.</summary>
    public bool LoadMode { get; init; }

    /// <summary><c>--Fleet:MaxPendingPerDevice</c>: the scheduler waits while the outboxes hold more than this on average.</summary>
    public int MaxPendingPerDevice { get; init; } = 16;

    /// <summary><c>--Fault:*</c>.</summary>
    public FailureRates Failures { get; init; } = new();

    /// <summary>Called after every scheduler step (in process); the CLI prints it.</summary>
    public IProgress<FleetProgress>? Progress { get; init; }

    public bool IsAccelerated => LoadMode || Speed > 1;

    public TimeSpan TelemetryInterval =>
        TimeSpan.FromSeconds(TelemetryIntervalSeconds ?? (IsAccelerated ? 900 : 60));

    public TimeSpan Step => StepFor(TelemetryInterval);

    /// <summary>Telemetry period of the live part of a <see cref="Live"/> run.</summary>
    public TimeSpan LiveTelemetryInterval => TimeSpan.FromSeconds(LiveTelemetryIntervalSeconds);

    /// <summary>Control-loop step of the live part: as <see cref="Step"/>, but never longer than the live interval.</summary>
    public TimeSpan LiveStep => StepFor(LiveTelemetryInterval);

    private TimeSpan StepFor(TimeSpan interval)
    {
        var s = StepSeconds ?? (interval >= TimeSpan.FromSeconds(900) ? 300 : 60);
        var step = TimeSpan.FromSeconds(Math.Max(1, s));
        return step > interval ? interval : step;
    }
}

/// <summary>A snapshot of a run.</summary>
/// <param name="SimulatedTime">Device time of the last completed step.</param>
/// <param name="Published">Messages the devices queued (telemetry, events, acks).</param>
/// <param name="Acked">Messages the broker acknowledged (PUBACK).</param>
/// <param name="Pending">Messages still in the devices' outboxes.</param>
public readonly record struct FleetProgress(DateTimeOffset SimulatedTime, long Published, long Acked, long Pending, int Luminaires, int Hotspots, TimeSpan RealElapsed)
{
    public double AckedPerSecond => RealElapsed.TotalSeconds > 0 ? Acked / RealElapsed.TotalSeconds : 0;
}
