using System.Globalization;

namespace CidadesInteligentes.Cloud.Hosting;

/// <summary>
/// Reads <see cref="CloudSettings"/> from configuration and checks it, reporting every problem at once in words a
/// technician understands.
/// </summary>
internal static class CloudSettingsBinder
{
    public static CloudSettings Bind(IConfiguration config, string contentRoot, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var broker = new BrokerSettingsSection(
            Enabled: Bool(config, "Broker:Enabled", true, errors),
            Port: Int(config, "Broker:Port", 1883, 0, 65535, errors),
            BindAddress: config["Broker:BindAddress"] ?? "127.0.0.1",
            DevicesFile: config["Broker:DevicesFile"],
            MaxConnections: Int(config, "Broker:MaxConnections", 100_000, 1, 10_000_000, errors),
            PersistentSessionExpiryDays: Int(config, "Broker:PersistentSessionExpiryDays", 0, 0, 36_500, errors));
        var upstream = new UpstreamSettings(
            Host: config["Upstream:Host"],
            Port: Int(config, "Upstream:Port", 1883, 1, 65535, errors),
            Username: config["Upstream:Username"],
            Password: config["Upstream:Password"],
            SharedGroup: config["Upstream:SharedGroup"] ?? "ci-cloud",
            ClientId: config["Upstream:ClientId"] ?? $"ci-cloud-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}");
        var storage = new StorageSettings(Path.GetFullPath(config["Storage:Directory"] ?? Path.Combine(contentRoot, "data")),
            RollupFoldSeconds: Int(config, "Storage:RollupFoldSeconds", 60, 0, 3600, errors));
        Uri? influxUrl = null;
        var influxRaw = config["Influx:Url"];
        if (!string.IsNullOrWhiteSpace(influxRaw) && (!Uri.TryCreate(influxRaw, UriKind.Absolute, out influxUrl) || influxUrl.Scheme is not ("http" or "https")))
        {
            errors.Add($"Influx:Url '{influxRaw}' is not an http(s) address such as http://127.0.0.1:8086.");
            influxUrl = null;
        }
        var influx = new InfluxSettings(influxUrl, config["Influx:Database"] ?? "cidades", config["Influx:Username"], config["Influx:Password"]);
        var registry = new RegistrySettings(config["Registry:File"]);
        var api = new ApiSettings(Bool(config, "Api:AnonymousRead", true, errors), config["Api:KeysFile"], config["Api:WebRoot"],
            LiveHeartbeatSeconds: Int(config, "Api:LiveHeartbeatSeconds", 15, 1, 300, errors));
        var reports = new ReportSettings(Bool(config, "Reports:Enabled", true, errors), config["Reports:Chromium"]);

        var ingest = new IngestSettings(
            MaxAgeDays: Int(config, "Ingest:MaxAgeDays", 35, 1, 3660, errors),
            HeartbeatTimeoutSeconds: Int(config, "Ingest:HeartbeatTimeoutSeconds", 300, 10, 86_400, errors));
        if (!broker.Enabled && string.IsNullOrWhiteSpace(upstream.Host))
        {
            errors.Add("Broker:Enabled is false but Upstream:Host is empty: set Upstream:Host/Port to the external broker, or enable the embedded broker.");
        }
        if (broker.Enabled && !string.IsNullOrWhiteSpace(upstream.Host))
        {
            errors.Add("Both the embedded broker (Broker:Enabled) and an external broker (Upstream:Host) are configured: choose one (set --Broker:Enabled false to use the external broker).");
        }
        if (!broker.Enabled)
        {
            // "$share/<group>/ci/v1/...": MQTT's share name ends at the first '/' and may not hold a wildcard
            if (string.IsNullOrWhiteSpace(upstream.SharedGroup) || upstream.SharedGroup.Any(c => c is '/' or '+' or '#' || char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                errors.Add($"Upstream:SharedGroup '{upstream.SharedGroup}' must be a name without '/', '+', '#' or spaces, e.g. ci-3f9a0c.");
            }
            if (string.IsNullOrWhiteSpace(upstream.ClientId))
            {
                errors.Add("Upstream:ClientId is empty: give each cloud instance its own client id (e.g. its broker login), or leave it out for a generated one.");
            }
        }
        if (!System.Net.IPAddress.TryParse(broker.BindAddress, out _))
        {
            errors.Add($"Broker:BindAddress '{broker.BindAddress}' is not an IP address (use 127.0.0.1 or 0.0.0.0).");
        }
        if (registry.File is { } file && !File.Exists(file))
        {
            errors.Add($"Registry:File '{file}' does not exist.");
        }
        if (api.KeysFile is { } keys && !File.Exists(keys))
        {
            errors.Add($"Api:KeysFile '{keys}' does not exist.");
        }
        if (broker.DevicesFile is { } devices && !File.Exists(devices))
        {
            errors.Add($"Broker:DevicesFile '{devices}' does not exist.");
        }
        if (string.IsNullOrWhiteSpace(influx.Database) || influx.Database.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            errors.Add($"Influx:Database '{influx.Database}' must be letters, digits, '_' or '-'.");
        }
        problems = errors;
        return new CloudSettings(broker, upstream, storage, influx, registry, api, reports, ingest);
    }

    private static bool Bool(IConfiguration config, string key, bool fallback, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        if (bool.TryParse(raw, out var value))
        {
            return value;
        }
        errors.Add($"{key} is '{raw}', expected true or false.");
        return fallback;
    }

    private static int Int(IConfiguration config, string key, int fallback, int min, int max, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add($"{key} is '{raw}', expected a whole number from {min} to {max}.");
        return fallback;
    }
}
