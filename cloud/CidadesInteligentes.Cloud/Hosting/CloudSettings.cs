namespace CidadesInteligentes.Cloud.Hosting;

/// <summary>Every setting of the cloud host, bound once from configuration and validated at start.</summary>
internal sealed record CloudSettings(
    BrokerSettingsSection Broker,
    UpstreamSettings Upstream,
    StorageSettings Storage,
    InfluxSettings Influx,
    RegistrySettings Registry,
    ApiSettings Api,
    ReportSettings Reports,
    IngestSettings Ingest);

/// <summary>Embedded MQTT broker (`Broker:*`).</summary>
internal sealed record BrokerSettingsSection(bool Enabled, int Port, string BindAddress, string? DevicesFile, int MaxConnections, int PersistentSessionExpiryDays);

/// <summary>External broker consumed through a shared subscription (`Upstream:*`), used when the embedded broker is off.</summary>
internal sealed record UpstreamSettings(string? Host, int Port, string? Username, string? Password, string SharedGroup, string ClientId);

/// <summary>SQLite data directory (`Storage:Directory`), and how often the daily roll-ups are written (`Storage:RollupFoldSeconds`, 0: every commit).</summary>
internal sealed record StorageSettings(string Directory, int RollupFoldSeconds = 60);

/// <summary>Optional InfluxDB v1 series sink (`Influx:Url`, `Influx:Database`).</summary>
internal sealed record InfluxSettings(Uri? Url, string Database, string? Username, string? Password);

/// <summary>Registry file with cities, inventory and Wi-Fi points (`Registry:File`).</summary>
internal sealed record RegistrySettings(string? File);

/// <summary>HTTP API access (`Api:*`) and the live stream's heartbeat interval.</summary>
internal sealed record ApiSettings(bool AnonymousRead, string? KeysFile, string? WebRoot, int LiveHeartbeatSeconds);

/// <summary>Monthly report scheduler (`Reports:*`).</summary>
internal sealed record ReportSettings(bool Enabled, string? Chromium);

/// <summary>Ingestor limits (`Ingest:*`): how old a message may be (backfill window) and when a silent device is offline.</summary>
internal sealed record IngestSettings(int MaxAgeDays, int HeartbeatTimeoutSeconds);
