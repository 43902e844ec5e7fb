using System.Globalization;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Reads <see cref="EdgeSettings"/> from configuration and checks it, listing every problem at once in words a
/// technician on a pole can act on. The agent refuses to start while any problem is listed.
/// </summary>
internal static class EdgeSettingsBinder
{
    /// <summary>Default location of the technician-edited configuration file.</summary>
    public const string EtcFile = "/etc/cidades-inteligentes/edge.json";

    public static EdgeSettings Bind(EdgeConfig config, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();

        var id = config["Device:Id"] ?? "";
        if (id.Length == 0)
        {
            errors.Add("Device:Id is missing: run `cidades-edge provision` or set it in " + EtcFile + ".");
        }
        else if (!Telemetry.Contract.TopicName.IsValidDeviceId(id))
        {
            errors.Add($"Device:Id '{id}' must be 3-64 characters of lowercase letters, digits and '-', starting with a letter or digit (e.g. sc-lum-000123).");
        }
        var city = config["Device:City"] ?? "";
        if (city.Length != 7 || city.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            errors.Add($"Device:City '{city}' must be the 7-digit IBGE code of the municipality (São Carlos = 3548906).");
        }
        else if (!Telemetry.Municipalities.IsKnown(city))
        {
            errors.Add($"Device:City '{city}' is not one of the 645 São Paulo IBGE municipality codes.");
        }
        var kind = (config["Device:Kind"] ?? "").Trim().ToLowerInvariant();
        if (kind is not ("luminaire" or "hotspot"))
        {
            errors.Add($"Device:Kind '{config["Device:Kind"]}' must be luminaire or hotspot.");
        }
        var lat = Double(config, "Device:Latitude", -23.55, -90, 90, errors);
        var lon = Double(config, "Device:Longitude", -46.63, -180, 180, errors);
        if (config["Device:Latitude"] is null && kind == "luminaire")
        {
            errors.Add("Device:Latitude and Device:Longitude are missing: the dimming program needs them to compute sunset and sunrise.");
        }
        var stateDirectory = config["Device:StateDirectory"] ?? "/var/lib/cidades-inteligentes";
        if (string.IsNullOrWhiteSpace(stateDirectory))
        {
            errors.Add("Device:StateDirectory is empty: leave it out (default /var/lib/cidades-inteligentes) or give the directory for the agent's energy register, outbox and command ids.");
        }
        var device = new DeviceSettings(id, city, kind, lat, lon, config["Device:Firmware"] ?? "1.0.0", stateDirectory);

        var password = config["Mqtt:Password"] ?? "";
        if (password.Length == 0)
        {
            errors.Add("Mqtt:Password (this device's own secret) is missing: run `cidades-edge provision`; the agent never starts without one.");
        }
        else if (password.Length < 16)
        {
            errors.Add("Mqtt:Password is shorter than 16 characters: provision a fresh random secret with `cidades-edge provision`.");
        }
        var tls = Bool(config, "Mqtt:Tls", false, errors);
        var mqtt = new MqttSettings(
            Host: config["Mqtt:Host"] ?? "127.0.0.1",
            Port: Int(config, "Mqtt:Port", tls ? 8883 : 1883, 1, 65535, errors),
            Username: config["Mqtt:Username"] ?? id,
            Password: password,
            Tls: tls,
            CaFile: config["Mqtt:CaFile"],
            KeepAliveSeconds: Int(config, "Mqtt:KeepAliveSeconds", 60, 5, 3600, errors));
        if (string.IsNullOrWhiteSpace(mqtt.Host))
        {
            errors.Add("Mqtt:Host is empty: give the broker's host name or address (e.g. mqtt.cidades.sp.gov.br).");
        }
        if (mqtt.CaFile is { } ca && !File.Exists(ca))
        {
            errors.Add($"Mqtt:CaFile '{ca}' does not exist.");
        }

        var mode = config["Hardware:Mode"] ?? "Linux";
        if (!mode.Equals("Linux", StringComparison.OrdinalIgnoreCase) && !mode.Equals("Simulated", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Hardware:Mode '{mode}' must be Linux or Simulated.");
        }
        var hardware = new HardwareSettings(
            Mode: mode.Equals("Simulated", StringComparison.OrdinalIgnoreCase) ? "Simulated" : "Linux",
            LedPowerW: Double(config, "Hardware:LedPowerW", 60, 1, 2000, errors),
            PwmChip: Int(config, "Hardware:PwmChip", 0, 0, 64, errors),
            PwmChannel: Int(config, "Hardware:PwmChannel", 0, 0, 64, errors),
            RelayGpio: Int(config, "Hardware:RelayGpio", 17, 0, 1023, errors),
            I2cBus: Int(config, "Hardware:I2cBus", 1, 0, 64, errors),
            PowerMeterAddress: Int(config, "Hardware:PowerMeterAddress", 0x40, 0x03, 0x77, errors),
            LightSensorAddress: Int(config, "Hardware:LightSensorAddress", 0x23, 0x03, 0x77, errors),
            SysfsRoot: config["Hardware:SysfsRoot"] ?? "/sys");

        var outbox = new OutboxSettingsSection(
            Directory: config["Outbox:Directory"] ?? Path.Combine(device.StateDirectory, "outbox"),
            MaxMessages: Int(config, "Outbox:MaxMessages", 100_000, 100, 10_000_000, errors),
            DrainPerSecond: Int(config, "Outbox:DrainPerSecond", 50, 1, 100_000, errors));
        var telemetry = new TelemetrySettings(Int(config, "Telemetry:IntervalSeconds", 60, 1, 3600, errors));

        var targets = (config["Hotspot:ProbeTargets"] ?? "1.1.1.1:443,8.8.8.8:53")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var t in targets)
        {
            var colon = t.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(t.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                errors.Add($"Hotspot:ProbeTargets entry '{t}' must be host:port, e.g. 1.1.1.1:443.");
            }
        }
        var hotspot = new HotspotSettings(
            ProbeTargets: targets,
            ThroughputUrl: Url(config, "Hotspot:ThroughputUrl", errors),
            ThroughputEveryMinutes: Int(config, "Hotspot:ThroughputEveryMinutes", 60, 1, 1440, errors),
            PortalUrl: Url(config, "Hotspot:PortalUrl", errors),
            PortalMarker: config["Hotspot:PortalMarker"] ?? "Wi-Fi Livre SP",
            WifiInterface: config["Hotspot:WifiInterface"] ?? "wlan0",
            WanInterface: config["Hotspot:WanInterface"] ?? "eth0",
            StationSource: config["Hotspot:StationSource"] ?? "iw",
            DnsNames: (config["Hotspot:DnsNames"] ?? "www.google.com").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var name in hotspot.DnsNames)
        {
            if (Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                errors.Add($"Hotspot:DnsNames entry '{name}' must be a host name, e.g. www.google.com.");
            }
        }
        if (hotspot.StationSource is not ("iw" or "hostapd"))
        {
            errors.Add($"Hotspot:StationSource '{hotspot.StationSource}' must be iw or hostapd.");
        }

        problems = errors;
        return new EdgeSettings(device, mqtt, hardware, outbox, telemetry, hotspot);
    }

    private static Uri? Url(EdgeConfig config, string key, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        if (Uri.TryCreate(raw, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }
        errors.Add($"{key} '{raw}' is not an http(s) address.");
        return null;
    }

    private static bool Bool(EdgeConfig config, string key, bool fallback, List<string> errors)
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

    private static int Int(EdgeConfig config, string key, int fallback, int min, int max, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        var style = raw.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? NumberStyles.AllowHexSpecifier : NumberStyles.Integer;
        var text = style == NumberStyles.AllowHexSpecifier ? raw[2..] : raw;
        if (int.TryParse(text, style, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add($"{key} is '{raw}', expected a whole number from {min} to {max}.");
        return fallback;
    }

    private static double Double(EdgeConfig config, string key, double fallback, double min, double max, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add($"{key} is '{raw}', expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
        return fallback;
    }
}
