using System.Globalization;
using CidadesInteligentes.FirmwareSim.Faults;

namespace CidadesInteligentes.FirmwareSim.Fleet;

/// <summary>
/// Reads <c>--Section:Key value</c> (or <c>--Section:Key=value</c>) arguments into <see cref="FleetOptions"/>.
/// Unknown keys and bad values are errors listed all at once, so a typo never silently runs the default.
/// </summary>
public static class FleetOptionsBinder
{
    public static FleetOptions Bind(IReadOnlyList<string> args, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        var problems = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                problems.Add($"unexpected argument '{a}'");
                continue;
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[a[2..eq]] = a[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[a[2..]] = args[++i];
            }
            else
            {
                problems.Add($"'{a}' needs a value");
            }
        }
        var o = new FleetOptions();
        var f = new FailureRates();
        foreach (var (key, value) in values)
        {
            try
            {
                switch (key.ToUpperInvariant())
                {
                    case "MQTT:HOST": o = o with { MqttHost = value }; break;
                    case "MQTT:PORT": o = o with { MqttPort = Int(value) }; break;
                    case "MQTT:MAXINFLIGHT": o = o with { MaxInFlightPerDevice = Int(value) }; break;
                    case "MQTT:DRAINPERSECOND": o = o with { DrainPerSecond = Dbl(value) }; break;
                    case "FLEET:REGISTRY": o = o with { RegistryPath = value }; break;
                    case "FLEET:CITIES": o = o with { Cities = Int(value) }; break;
                    case "FLEET:LUMINAIRESPERCITY": o = o with { LuminairesPerCity = Int(value) }; break;
                    case "FLEET:HOTSPOTSPERCITY": o = o with { HotspotsPerCity = Int(value) }; break;
                    case "FLEET:SEED": o = o with { Seed = long.Parse(value, CultureInfo.InvariantCulture) }; break;
                    case "FLEET:SECRETS": o = o with { SecretsPath = value }; break;
                    case "FLEET:DATADIRECTORY": o = o with { DataDirectory = value }; break;
                    case "FLEET:MAXPENDINGPERDEVICE": o = o with { MaxPendingPerDevice = Int(value) }; break;
                    case "CLOCK:START": o = o with { Start = Time(value) }; break;
                    case "CLOCK:UNTIL" when string.Equals(value, "live", StringComparison.OrdinalIgnoreCase): o = o with { Until = null, Live = true }; break;
                    case "CLOCK:UNTIL": o = o with { Until = Time(value) }; break;
                    case "CLOCK:SPEED":
                        o = o with { Speed = value.Equals("max", StringComparison.OrdinalIgnoreCase) ? double.PositiveInfinity : Dbl(value) };
                        break;
                    case "CLOCK:STEPSECONDS": o = o with { StepSeconds = Int(value) }; break;
                    case "TELEMETRY:INTERVALSECONDS": o = o with { TelemetryIntervalSeconds = Int(value) }; break;
                    case "TELEMETRY:LIVEINTERVALSECONDS": o = o with { LiveTelemetryIntervalSeconds = Int(value) }; break;
                    case "LOAD:ENABLED": o = o with { LoadMode = bool.Parse(value) }; break;
                    case "FAULT:NONCOMPLIANTWIFI": f = f with { NonCompliantWifi = Int(value) }; break;
                    case "FAULT:NONE": f = bool.Parse(value) ? FailureRates.None with { NonCompliantWifi = f.NonCompliantWifi } : f; break;
                    case "FAULT:LAMPFAILUREPERDAY": f = f with { LampFailurePerDay = Dbl(value) }; break;
                    case "FAULT:DAYBURNINGPERDAY": f = f with { DayBurningPerDay = Dbl(value) }; break;
                    case "FAULT:CYCLINGPERDAY": f = f with { CyclingPerDay = Dbl(value) }; break;
                    case "FAULT:SUPPLYLOSSPERDAY": f = f with { SupplyLossPerDay = Dbl(value) }; break;
                    case "FAULT:LINKOUTAGEPERDAY": f = f with { LinkOutagePerDay = Dbl(value) }; break;
                    case "FAULT:BROKEROUTAGEPERDAY": f = f with { BrokerOutagePerDay = Dbl(value) }; break;
                    case "FAULT:BACKHAULOUTAGEPERDAY": f = f with { BackhaulOutagePerDay = Dbl(value) }; break;
                    case "FAULT:PORTALOUTAGEPERDAY": f = f with { PortalOutagePerDay = Dbl(value) }; break;
                    default: problems.Add($"unknown setting '--{key}'"); break;
                }
            }
            catch (FormatException)
            {
                problems.Add($"'--{key}' has a bad value '{value}'");
            }
            catch (OverflowException)
            {
                problems.Add($"'--{key}' value '{value}' is out of range");
            }
        }
        o = o with { Failures = f };
        Validate(o, DateTimeOffset.UtcNow, problems);
        errors = problems;
        return o;
    }

    /// <summary>Settings that parse but cannot run (they would crash, hang or run silently wrong), each in plain words.</summary>
    private static void Validate(FleetOptions o, DateTimeOffset now, List<string> problems)
    {
        if (o.Speed <= 0 || double.IsNaN(o.Speed))
        {
            problems.Add("--Clock:Speed must be positive (or 'max')");
        }
        if (o.Start is { } s && o.Until is { } u && u < s)
        {
            problems.Add("--Clock:Until is before --Clock:Start");
        }
        if (o.Start is null && o.Until is { } until && until < now)
        {
            problems.Add("--Clock:Until is in the past and --Clock:Start is not set (it defaults to now)");
        }
        // the cloud rejects a ts more than 5 min ahead of its clock (telemetry contract)
        if (o.Start is { } start && start > now.AddMinutes(5))
        {
            problems.Add($"--Clock:Start {start:o} is in the future: every message would be rejected as stamped ahead of the cloud's clock");
        }
        if (o.TelemetryIntervalSeconds is <= 0)
        {
            problems.Add("--Telemetry:IntervalSeconds must be positive");
        }
        if (o.LiveTelemetryIntervalSeconds <= 0)
        {
            problems.Add("--Telemetry:LiveIntervalSeconds must be positive");
        }
        if (o.StepSeconds is <= 0)
        {
            problems.Add("--Clock:StepSeconds must be positive");
        }
        if (o.Cities is <= 0)
        {
            problems.Add("--Fleet:Cities must be at least 1");
        }
        if (o.LuminairesPerCity is < 0)
        {
            problems.Add("--Fleet:LuminairesPerCity must not be negative");
        }
        if (o.HotspotsPerCity is < 0)
        {
            problems.Add("--Fleet:HotspotsPerCity must not be negative");
        }
        if (o.LuminairesPerCity == 0 && o.HotspotsPerCity == 0)
        {
            problems.Add("--Fleet:LuminairesPerCity and --Fleet:HotspotsPerCity are both 0: there is no device to simulate");
        }
        if (o.MqttPort is < 1 or > 65535)
        {
            problems.Add("--Mqtt:Port must be between 1 and 65535");
        }
        if (o.MaxInFlightPerDevice < 1)
        {
            problems.Add("--Mqtt:MaxInFlight must be at least 1");
        }
        if (!(o.DrainPerSecond > 0) || double.IsPositiveInfinity(o.DrainPerSecond))
        {
            problems.Add("--Mqtt:DrainPerSecond must be a positive number");
        }
        if (o.MaxPendingPerDevice < 0)
        {
            problems.Add("--Fleet:MaxPendingPerDevice must not be negative");
        }
        var f = o.Failures;
        if (f.NonCompliantWifi < 0)
        {
            problems.Add("--Fault:NonCompliantWifi must not be negative");
        }
        foreach (var (name, rate) in new[]
        {
            ("LampFailurePerDay", f.LampFailurePerDay), ("DayBurningPerDay", f.DayBurningPerDay), ("CyclingPerDay", f.CyclingPerDay),
            ("SupplyLossPerDay", f.SupplyLossPerDay), ("LinkOutagePerDay", f.LinkOutagePerDay), ("BrokerOutagePerDay", f.BrokerOutagePerDay),
            ("BackhaulOutagePerDay", f.BackhaulOutagePerDay), ("PortalOutagePerDay", f.PortalOutagePerDay),
        })
        {
            if (!double.IsFinite(rate) || rate < 0)
            {
                problems.Add($"--Fault:{name} must be a number of events per day, 0 or more");
            }
        }
        if (o.RegistryPath is { } registry && !File.Exists(registry))
        {
            problems.Add($"--Fleet:Registry file '{registry}' does not exist");
        }
        if (o.SecretsPath is { } secrets && !File.Exists(secrets))
        {
            problems.Add($"--Fleet:Secrets file '{secrets}' does not exist");
        }
    }

    private static readonly string[] Sections = ["Mqtt", "Fleet", "Clock", "Telemetry", "Load", "Fault"];

    /// <summary>
    /// <c>Section__Key</c> environment variables of the simulator's sections as <c>--Section:Key value</c> arguments, to
    /// put before the command line (which wins, as in standard .NET configuration). Other variables are not ours.
    /// </summary>
    public static IReadOnlyList<string> EnvironmentArguments(IEnumerable<KeyValuePair<string, string?>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var args = new List<string>();
        foreach (var (name, value) in environment.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var parts = name.Split("__");
            if (parts.Length == 2 && parts[1].Length > 0 && value is not null && Sections.Contains(parts[0], StringComparer.OrdinalIgnoreCase))
            {
                args.Add($"--{parts[0]}:{parts[1]}");
                args.Add(value);
            }
        }
        return args;
    }

    private static int Int(string v) => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Dbl(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string v) =>
        DateTimeOffset.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
