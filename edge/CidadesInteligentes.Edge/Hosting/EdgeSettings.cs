namespace CidadesInteligentes.Edge.Hosting;

/// <summary>Every setting of the edge agent, bound once from configuration and validated at start.</summary>
internal sealed record EdgeSettings(
    DeviceSettings Device,
    MqttSettings Mqtt,
    HardwareSettings Hardware,
    OutboxSettingsSection Outbox,
    TelemetrySettings Telemetry,
    HotspotSettings Hotspot);

/// <summary>Identity and location of this device (`Device:*`).</summary>
internal sealed record DeviceSettings(string Id, string City, string Kind, double Latitude, double Longitude, string Firmware, string StateDirectory);

/// <summary>Uplink to the broker (`Mqtt:*`). Username is the device id unless set.</summary>
internal sealed record MqttSettings(string Host, int Port, string Username, string Password, bool Tls, string? CaFile, int KeepAliveSeconds);

/// <summary>Which hardware to drive (`Hardware:*`): real Linux drivers or register-map simulators.</summary>
internal sealed record HardwareSettings(
    string Mode,
    double LedPowerW,
    int PwmChip,
    int PwmChannel,
    int RelayGpio,
    int I2cBus,
    int PowerMeterAddress,
    int LightSensorAddress,
    string SysfsRoot);

/// <summary>Durable store-and-forward queue (`Outbox:*`).</summary>
internal sealed record OutboxSettingsSection(string Directory, int MaxMessages, int DrainPerSecond);

/// <summary>Reporting interval (`Telemetry:IntervalSeconds`, default 60).</summary>
internal sealed record TelemetrySettings(int IntervalSeconds);

/// <summary>Hotspot probes (`Hotspot:*`).</summary>
internal sealed record HotspotSettings(
    IReadOnlyList<string> ProbeTargets,
    Uri? ThroughputUrl,
    int ThroughputEveryMinutes,
    Uri? PortalUrl,
    string PortalMarker,
    string WifiInterface,
    string WanInterface,
    string StationSource,
    IReadOnlyList<string> DnsNames);
