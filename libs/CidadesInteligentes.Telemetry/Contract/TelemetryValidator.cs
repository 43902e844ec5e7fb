using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>
/// Checks a device → cloud message (topic and payload) against telemetry contract v1: size, JSON shape and types,
/// required fields, ranges, finite numbers, version, clock skew (at most 5 min ahead, at most 35 days old) and the
/// IBGE code. Returns every problem, not only the first. Never throws on any input.
/// </summary>
public static partial class TelemetryValidator
{
    public const int MaxPayloadBytes = 4096;
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);

    public static ValidationResult Validate(string topic, ReadOnlySpan<byte> payload, DateTimeOffset now) => Validate(topic, payload, now, MaxAge);

    /// <summary>
    /// As <see cref="Validate(string, ReadOnlySpan{byte}, DateTimeOffset)"/> with another oldest accepted age, for an
    /// operator-approved backfill (e.g. the demo replaying last month). The 5 min future limit never changes.
    /// </summary>
    public static ValidationResult Validate(string topic, ReadOnlySpan<byte> payload, DateTimeOffset now, TimeSpan maxAge)
    {
        if (!TopicName.TryParse(topic, out var name, out var topicError))
        {
            return ValidationResult.Fail(default, RejectReasons.Topic, [topicError!]);
        }
        if (name.Stream == TopicStream.Command)
        {
            return ValidationResult.Fail(name, RejectReasons.Direction, ["cmd is a cloud → device topic; devices may not publish to it"]);
        }
        if (!Municipalities.IsKnown(name.City))
        {
            return ValidationResult.Fail(name, RejectReasons.City, [$"city {name.City} is not one of the 645 São Paulo IBGE municipality codes"]);
        }
        if (payload.Length > MaxPayloadBytes)
        {
            return ValidationResult.Fail(name, RejectReasons.Size, [$"payload is {payload.Length} bytes; the contract allows at most {MaxPayloadBytes}"]);
        }
        return name.Stream switch
        {
            TopicStream.Telemetry when name.Kind == DeviceKind.Luminaire => Check(name, payload, TelemetryJson.Default.LuminaireTelemetry, now, maxAge, CheckLuminaire),
            TopicStream.Telemetry => Check(name, payload, TelemetryJson.Default.HotspotTelemetry, now, maxAge, CheckHotspot),
            TopicStream.Event => Check(name, payload, TelemetryJson.Default.DeviceEvent, now, maxAge, CheckEvent),
            TopicStream.CommandAck => Check(name, payload, TelemetryJson.Default.CommandAck, now, maxAge, CheckAck),
            _ => Check(name, payload, TelemetryJson.Default.DeviceStatus, now, maxAge, CheckStatus),
        };
    }

    private delegate void Rules<T>(T payload, Problems problems, DateTimeOffset now);

    private static ValidationResult Check<T>(TopicName name, ReadOnlySpan<byte> payload, JsonTypeInfo<T> info, DateTimeOffset now, TimeSpan maxAge, Rules<T> rules)
        where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(payload, info);
        }
        catch (JsonException e)
        {
            // Slow path, only for rejected payloads: list every wrong-typed field, not only the first (Diagnose.cs).
            return Diagnose(name, payload, info, now, maxAge, rules, e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return ValidationResult.Fail(name, RejectReasons.Json, [$"payload is not valid JSON: {FirstSentence(e.Message)}"]);
        }
        if (value is null)
        {
            return ValidationResult.Fail(name, RejectReasons.Json, ["payload is JSON null; expected an object"]);
        }
        var problems = new Problems();
        problems.MaxAge = maxAge;
        rules(value, problems, now);
        return problems.Reason is null ? ValidationResult.Ok(name, value) : ValidationResult.Fail(name, problems.Reason, problems.List);
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message.TrimEnd('.');
    }

    private static void CheckCommon(SequencedPayload p, Problems problems, DateTimeOffset now)
    {
        CheckVersion(p.V, problems);
        if (p.Seq is null)
        {
            problems.Add(RejectReasons.Missing, "seq is required");
        }
        else if (p.Seq < 1)
        {
            problems.Add(RejectReasons.Range, $"seq {p.Seq} must be ≥ 1");
        }
        CheckTs(p.Ts, problems, now);
    }

    private static void CheckVersion(int? v, Problems problems)
    {
        if (v is null)
        {
            problems.Add(RejectReasons.Missing, "v (contract version) is required");
        }
        else if (v != 1)
        {
            problems.Add(RejectReasons.Version, $"v {v} is not a supported contract version (1)");
        }
    }

    private static void CheckTs(DateTimeOffset? ts, Problems problems, DateTimeOffset now)
    {
        if (ts is null)
        {
            problems.Add(RejectReasons.Missing, "ts is required (UTC ISO-8601)");
        }
        else if (ts.Value - now > MaxFuture)
        {
            problems.Add(RejectReasons.Clock, $"ts {ts.Value.UtcDateTime:O} is more than 5 min in the future (receive time {now.UtcDateTime:O}): device clock not synchronised");
        }
        else if (now - ts.Value > problems.MaxAge)
        {
            problems.Add(RejectReasons.Clock, $"ts {ts.Value.UtcDateTime:O} is older than {problems.MaxAge.TotalDays:0.#} days");
        }
    }

    private static void CheckLuminaire(LuminaireTelemetry t, Problems p, DateTimeOffset now)
    {
        CheckCommon(t, p, now);
        p.Number("energyWh", t.EnergyWh, 0, 1e12, required: true);
        p.Integer("burnSeconds", t.BurnSeconds, 0, long.MaxValue, required: true);
        p.Number("powerW", t.PowerW, 0, 2000, required: true);
        p.Number("voltageV", t.VoltageV, 0, 300, required: false);
        p.Number("currentA", t.CurrentA, 0, 20, required: false);
        p.Number("powerFactor", t.PowerFactor, 0, 1, required: false);
        p.Integer("dimPercent", t.DimPercent, 0, 100, required: true);
        p.Required("lampOn", t.LampOn);
        p.Number("ambientLux", t.AmbientLux, 0, 200_000, required: false);
        p.Number("driverTempC", t.DriverTempC, -40, 150, required: false);
        p.Integer("uptimeS", t.UptimeS, 0, long.MaxValue, required: true);
    }

    private static void CheckHotspot(HotspotTelemetry t, Problems p, DateTimeOffset now)
    {
        CheckCommon(t, p, now);
        p.Integer("uptimeS", t.UptimeS, 0, long.MaxValue, required: true);
        p.Required("backhaulUp", t.BackhaulUp);
        p.Number("latencyMs", t.LatencyMs, 0, 60_000, required: false);
        p.Number("lossPercent", t.LossPercent, 0, 100, required: false);
        p.Number("downMbps", t.DownMbps, 0, 10_000, required: false);
        p.Number("upMbps", t.UpMbps, 0, 10_000, required: false);
        p.Required("portalOk", t.PortalOk);
        p.Integer("clients", t.Clients, 0, 5000, required: true);
        p.Integer("uniqueClientsToday", t.UniqueClientsToday, 0, 100_000, required: true);
        p.Integer("rxBytes", t.RxBytes, 0, long.MaxValue, required: true);
        p.Integer("txBytes", t.TxBytes, 0, long.MaxValue, required: true);
    }

    private static void CheckEvent(DeviceEvent e, Problems p, DateTimeOffset now)
    {
        CheckCommon(e, p, now);
        if (e.Type is null)
        {
            p.Add(RejectReasons.Missing, "type is required");
        }
        else if (!EventTypes.All.Contains(e.Type))
        {
            p.Add(RejectReasons.Range, $"type '{Clip(e.Type)}' is not an event type of the contract");
        }
        p.Required("active", e.Active);
        if (e.Detail is { Length: > 1024 })
        {
            p.Add(RejectReasons.Range, "detail is longer than 1024 characters");
        }
    }

    private static void CheckAck(CommandAck a, Problems p, DateTimeOffset now)
    {
        CheckCommon(a, p, now);
        if (a.Id is null or "")
        {
            p.Add(RejectReasons.Missing, "id (the command's id) is required");
        }
        else if (a.Id.Length > 64)
        {
            p.Add(RejectReasons.Range, "id is longer than 64 characters");
        }
        if (a.Result is null)
        {
            p.Add(RejectReasons.Missing, "result is required");
        }
        else if (a.Result is not ("ok" or "rejected" or "expired" or "failed"))
        {
            p.Add(RejectReasons.Range, $"result '{Clip(a.Result)}' must be ok, rejected, expired or failed");
        }
    }

    private static void CheckStatus(DeviceStatus s, Problems p, DateTimeOffset now)
    {
        CheckVersion(s.V, p);
        if (s.State is null)
        {
            p.Add(RejectReasons.Missing, "state is required");
        }
        else if (s.State is not ("online" or "offline"))
        {
            p.Add(RejectReasons.Range, $"state '{Clip(s.State)}' must be online or offline");
        }
        // The will is published by the broker on the device's behalf and carries no ts.
        if (s.Ts is not null || s.State == "online")
        {
            CheckTs(s.Ts, p, now);
        }
        if (s.Kind is not null and not ("luminaire" or "hotspot"))
        {
            p.Add(RejectReasons.Range, $"kind '{Clip(s.Kind)}' must be luminaire or hotspot");
        }
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private sealed class Problems
    {
        private List<string>? _list;

        /// <summary>Allocated on the first problem: a valid message (the common case) costs no list.</summary>
        public IReadOnlyList<string> List => _list ?? (IReadOnlyList<string>)[];

        public TimeSpan MaxAge { get; set; } = TelemetryValidator.MaxAge;
        public string? Reason { get; private set; }

        /// <summary>Fields already reported with a wrong JSON type (slow path only): the rules do not also call them missing.</summary>
        public HashSet<string>? WrongTyped { get; set; }

        public void Add(string reason, string message)
        {
            if (WrongTyped is not null && IsAboutWrongTyped(message))
            {
                return;
            }
            Reason ??= reason;
            (_list ??= []).Add(message);
        }

        private bool IsAboutWrongTyped(string message)
        {
            var space = message.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 && WrongTyped!.Contains(message[..space]);
        }

        public void Required<T>(string field, T? value)
            where T : struct
        {
            if (value is null)
            {
                Add(RejectReasons.Missing, $"{field} is required");
            }
        }

        public void Number(string field, double? value, double min, double max, bool required)
        {
            if (value is null)
            {
                if (required)
                {
                    Add(RejectReasons.Missing, $"{field} is required");
                }
            }
            else if (!double.IsFinite(value.Value))
            {
                Add(RejectReasons.Range, $"{field} is not a finite number");
            }
            else if (value < min || value > max)
            {
                Add(RejectReasons.Range, $"{field} {value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside {min.ToString(System.Globalization.CultureInfo.InvariantCulture)}–{max.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }

        public void Integer(string field, long? value, long min, long max, bool required)
        {
            if (value is null)
            {
                if (required)
                {
                    Add(RejectReasons.Missing, $"{field} is required");
                }
            }
            else if (value < min || value > max)
            {
                Add(RejectReasons.Range, $"{field} {value} is outside {min}–{max}");
            }
        }
    }
}
