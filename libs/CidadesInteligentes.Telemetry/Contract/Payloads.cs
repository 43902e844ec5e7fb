using System.Text.Json;
using System.Text.Json.Serialization;

namespace CidadesInteligentes.Telemetry.Contract;

// Wire records of telemetry contract v1 (docs/telemetry.md). Properties are nullable so that a missing required
// field is reported by the validator with a clear message instead of a serializer exception; the validator
// guarantees that every required field of an accepted payload has a value.

/// <summary>Fields every sequenced payload carries.</summary>
public abstract class SequencedPayload
{
    public int? V { get; set; }
    public long? Seq { get; set; }
    public DateTimeOffset? Ts { get; set; }
}

/// <summary>Luminaire telemetry (default every 60 s).</summary>
public sealed class LuminaireTelemetry : SequencedPayload
{
    public double? EnergyWh { get; set; }
    public long? BurnSeconds { get; set; }
    public double? PowerW { get; set; }
    public double? VoltageV { get; set; }
    public double? CurrentA { get; set; }
    public double? PowerFactor { get; set; }
    public int? DimPercent { get; set; }
    public bool? LampOn { get; set; }
    public double? AmbientLux { get; set; }
    public double? DriverTempC { get; set; }
    public long? UptimeS { get; set; }
}

/// <summary>Hotspot telemetry (default every 60 s). Never carries MAC addresses or their hashes.</summary>
public sealed class HotspotTelemetry : SequencedPayload
{
    public long? UptimeS { get; set; }
    public bool? BackhaulUp { get; set; }
    public double? LatencyMs { get; set; }
    public double? LossPercent { get; set; }
    public double? DownMbps { get; set; }
    public double? UpMbps { get; set; }
    public bool? PortalOk { get; set; }
    public int? Clients { get; set; }
    public int? UniqueClientsToday { get; set; }
    public long? RxBytes { get; set; }
    public long? TxBytes { get; set; }
}

/// <summary>A fault or condition starting (<c>active: true</c>) or clearing.</summary>
public sealed class DeviceEvent : SequencedPayload
{
    public string? Type { get; set; }
    public bool? Active { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Retained status: birth, will and clean shutdown.</summary>
public sealed class DeviceStatus
{
    public int? V { get; set; }
    public string? State { get; set; }
    public DateTimeOffset? Ts { get; set; }
    public string? Kind { get; set; }
    public string? Firmware { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Cloud → device command.</summary>
public sealed class DeviceCommand
{
    public int? V { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset? Ts { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? Type { get; set; }
    public int? DimPercent { get; set; }
    public int? DurationS { get; set; }
    public DimmingProgram? Program { get; set; }
}

/// <summary>Device → cloud acknowledgement of a command.</summary>
public sealed class CommandAck : SequencedPayload
{
    public string? Id { get; set; }
    public string? Result { get; set; }
    public string? Detail { get; set; }
}

/// <summary>The dimming program a luminaire runs offline.</summary>
public sealed class DimmingProgram
{
    public string Name { get; set; } = "default";
    public string TimeZone { get; set; } = "America/Sao_Paulo";
    public SwitchPoint SwitchOn { get; set; } = new() { At = "sunset", OffsetMin = -10 };
    public SwitchPoint SwitchOff { get; set; } = new() { At = "sunrise", OffsetMin = 10 };
    public PhotocellRule? Photocell { get; set; } = new();
    public int MinimumOnMin { get; set; } = 15;
    public List<DimStep> Steps { get; set; } = [];

    /// <summary>The program of the contract's example: on at sunset −10, off at sunrise +10, dimmed at night.</summary>
    public static DimmingProgram Default() => new()
    {
        Steps =
        [
            new DimStep { From = "22:00", DimPercent = 70 },
            new DimStep { From = "00:30", DimPercent = 50 },
            new DimStep { From = "05:00", DimPercent = 100 },
        ],
    };
}

public sealed class SwitchPoint
{
    /// <summary><c>sunset</c>, <c>sunrise</c> or a fixed local time <c>HH:mm</c>.</summary>
    public string At { get; set; } = "sunset";
    public int OffsetMin { get; set; }
}

public sealed class PhotocellRule
{
    public double OnBelowLux { get; set; } = 20;
    public double OffAboveLux { get; set; } = 40;
    public int WindowMin { get; set; } = 30;
}

public sealed class DimStep
{
    public string From { get; set; } = "00:00";
    public int DimPercent { get; set; } = 100;
}

/// <summary>Event type names (TALQ vocabulary) of the contract.</summary>
public static class EventTypes
{
    public const string LampFailure = "lampFailure";
    public const string LampUnexpectedOn = "lampUnexpectedOn";
    public const string CyclingFailure = "cyclingFailure";
    public const string LampPowerTooHigh = "lampPowerTooHigh";
    public const string LampPowerTooLow = "lampPowerTooLow";
    public const string SupplyLoss = "supplyLoss";
    public const string RelayFailure = "relayFailure";
    public const string DimmingFailure = "dimmingFailure";
    public const string HighTemperature = "highTemperature";
    public const string ClockUnsynchronised = "clockUnsynchronised";
    public const string BackhaulDown = "backhaulDown";
    public const string PortalDown = "portalDown";
    public const string OutboxOverflow = "outboxOverflow";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        LampFailure, LampUnexpectedOn, CyclingFailure, LampPowerTooHigh, LampPowerTooLow, SupplyLoss, RelayFailure,
        DimmingFailure, HighTemperature, ClockUnsynchronised, BackhaulDown, PortalDown, OutboxOverflow,
    };
}

/// <summary>Source-generated (trim and AOT safe) JSON metadata for every contract payload.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 16,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(LuminaireTelemetry))]
[JsonSerializable(typeof(HotspotTelemetry))]
[JsonSerializable(typeof(DeviceEvent))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(DeviceCommand))]
[JsonSerializable(typeof(CommandAck))]
[JsonSerializable(typeof(DimmingProgram))]
public sealed partial class TelemetryJson : JsonSerializerContext;

/// <summary>
/// Writes timestamps the way the contract shows them — UTC with a <c>Z</c>, whole seconds, milliseconds only when
/// present (<c>2026-11-22T03:15:00Z</c>, <c>2026-11-22T03:15:00.250Z</c>) — and reads any ISO-8601 time with an offset.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value)
            ? value
            : throw new JsonException("expected an ISO-8601 time such as 2026-11-22T03:15:00Z");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.UtcDateTime;
        var whole = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        writer.WriteStringValue(whole.Millisecond == 0
            ? whole.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : whole.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
