using System.Text.Json;

namespace CidadesInteligentes.Telemetry.Contract;

/// <summary>
/// The validator's fast path for the two telemetry payloads (nearly every message): one forward pass of a
/// <see cref="Utf8JsonReader"/> straight into the payload object, with the serializer's own rules — the same reader
/// options (depth 16, no comments, no trailing commas, nothing after the object), case-sensitive camelCase names, a
/// number only from a JSON number, <c>null</c> for a missing value, the last of a repeated field wins, unknown fields
/// skipped, timestamps read as <see cref="UtcTimestampConverter"/> reads them. Anything else it does not decide: it
/// returns null and the message goes through <c>JsonSerializer</c> (and, if that throws, the diagnosis that lists
/// every problem), so a payload that arrives here yields exactly the object the serializer would have built and
/// every reject keeps its messages. About 3× cheaper than the serializer's metadata-driven read
/// (docs/performance.md, "ingestor CPU").
/// </summary>
internal static class TelemetryReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

    internal delegate bool Member<in T>(T target, ReadOnlySpan<byte> name, ref Utf8JsonReader reader);

    public static LuminaireTelemetry? TryReadLuminaire(ReadOnlySpan<byte> payload) => TryRead(payload, new LuminaireTelemetry(), LuminaireMember);

    public static HotspotTelemetry? TryReadHotspot(ReadOnlySpan<byte> payload) => TryRead(payload, new HotspotTelemetry(), HotspotMember);

    private static readonly Member<LuminaireTelemetry> LuminaireMember = Luminaire;
    private static readonly Member<HotspotTelemetry> HotspotMember = Hotspot;

    /// <summary>Reads <paramref name="payload"/> into <paramref name="value"/> (a new object), or returns null to leave it to the serializer.</summary>
    private static T? TryRead<T>(ReadOnlySpan<byte> payload, T value, Member<T> member)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(payload, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return null;
                }
                var name = reader.ValueSpan;
                if (!reader.Read() || !member(value, name, ref reader))
                {
                    return null;
                }
            }
            // the object's end, then nothing but whitespace (anything else throws)
            return reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read() ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool Luminaire(LuminaireTelemetry t, ReadOnlySpan<byte> name, ref Utf8JsonReader r)
    {
        bool ok;
        switch (name.Length)
        {
            case 1 when name[0] == (byte)'v':
                ok = Int32(ref r, out var v);
                t.V = v;
                return ok;
            case 2 when name.SequenceEqual("ts"u8):
                ok = Timestamp(ref r, out var ts);
                t.Ts = ts;
                return ok;
            case 3 when name.SequenceEqual("seq"u8):
                ok = Int64(ref r, out var seq);
                t.Seq = seq;
                return ok;
            case 6 when name.SequenceEqual("powerW"u8):
                ok = Double(ref r, out var powerW);
                t.PowerW = powerW;
                return ok;
            case 6 when name.SequenceEqual("lampOn"u8):
                ok = Boolean(ref r, out var lampOn);
                t.LampOn = lampOn;
                return ok;
            case 7 when name.SequenceEqual("uptimeS"u8):
                ok = Int64(ref r, out var uptime);
                t.UptimeS = uptime;
                return ok;
            case 8 when name.SequenceEqual("energyWh"u8):
                ok = Double(ref r, out var energy);
                t.EnergyWh = energy;
                return ok;
            case 8 when name.SequenceEqual("voltageV"u8):
                ok = Double(ref r, out var voltage);
                t.VoltageV = voltage;
                return ok;
            case 8 when name.SequenceEqual("currentA"u8):
                ok = Double(ref r, out var current);
                t.CurrentA = current;
                return ok;
            case 10 when name.SequenceEqual("dimPercent"u8):
                ok = Int32(ref r, out var dim);
                t.DimPercent = dim;
                return ok;
            case 10 when name.SequenceEqual("ambientLux"u8):
                ok = Double(ref r, out var lux);
                t.AmbientLux = lux;
                return ok;
            case 11 when name.SequenceEqual("burnSeconds"u8):
                ok = Int64(ref r, out var burn);
                t.BurnSeconds = burn;
                return ok;
            case 11 when name.SequenceEqual("powerFactor"u8):
                ok = Double(ref r, out var pf);
                t.PowerFactor = pf;
                return ok;
            case 11 when name.SequenceEqual("driverTempC"u8):
                ok = Double(ref r, out var temp);
                t.DriverTempC = temp;
                return ok;
            default:
                return Unknown(ref r);
        }
    }

    public static bool Hotspot(HotspotTelemetry t, ReadOnlySpan<byte> name, ref Utf8JsonReader r)
    {
        bool ok;
        switch (name.Length)
        {
            case 1 when name[0] == (byte)'v':
                ok = Int32(ref r, out var v);
                t.V = v;
                return ok;
            case 2 when name.SequenceEqual("ts"u8):
                ok = Timestamp(ref r, out var ts);
                t.Ts = ts;
                return ok;
            case 3 when name.SequenceEqual("seq"u8):
                ok = Int64(ref r, out var seq);
                t.Seq = seq;
                return ok;
            case 6 when name.SequenceEqual("upMbps"u8):
                ok = Double(ref r, out var up);
                t.UpMbps = up;
                return ok;
            case 7 when name.SequenceEqual("uptimeS"u8):
                ok = Int64(ref r, out var uptime);
                t.UptimeS = uptime;
                return ok;
            case 7 when name.SequenceEqual("clients"u8):
                ok = Int32(ref r, out var clients);
                t.Clients = clients;
                return ok;
            case 7 when name.SequenceEqual("rxBytes"u8):
                ok = Int64(ref r, out var rx);
                t.RxBytes = rx;
                return ok;
            case 7 when name.SequenceEqual("txBytes"u8):
                ok = Int64(ref r, out var tx);
                t.TxBytes = tx;
                return ok;
            case 8 when name.SequenceEqual("downMbps"u8):
                ok = Double(ref r, out var down);
                t.DownMbps = down;
                return ok;
            case 8 when name.SequenceEqual("portalOk"u8):
                ok = Boolean(ref r, out var portal);
                t.PortalOk = portal;
                return ok;
            case 9 when name.SequenceEqual("latencyMs"u8):
                ok = Double(ref r, out var latency);
                t.LatencyMs = latency;
                return ok;
            case 10 when name.SequenceEqual("backhaulUp"u8):
                ok = Boolean(ref r, out var backhaul);
                t.BackhaulUp = backhaul;
                return ok;
            case 11 when name.SequenceEqual("lossPercent"u8):
                ok = Double(ref r, out var loss);
                t.LossPercent = loss;
                return ok;
            case 18 when name.SequenceEqual("uniqueClientsToday"u8):
                ok = Int32(ref r, out var unique);
                t.UniqueClientsToday = unique;
                return ok;
            default:
                return Unknown(ref r);
        }
    }

    /// <summary>A field the payload type does not have: skipped, as the serializer does.</summary>
    private static bool Unknown(ref Utf8JsonReader r)
    {
        r.Skip();
        return true;
    }

    private static bool Double(ref Utf8JsonReader r, out double? value)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var d))
        {
            value = d;
            return true;
        }
        return false;
    }

    private static bool Int64(ref Utf8JsonReader r, out long? value)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var n))
        {
            value = n;
            return true;
        }
        return false;
    }

    private static bool Int32(ref Utf8JsonReader r, out int? value)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var n))
        {
            value = n;
            return true;
        }
        return false;
    }

    private static bool Boolean(ref Utf8JsonReader r, out bool? value)
    {
        value = r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return value is not null || r.TokenType == JsonTokenType.Null;
    }

    private static bool Timestamp(ref Utf8JsonReader r, out DateTimeOffset? value)
    {
        value = null;
        if (r.TokenType == JsonTokenType.Null)
        {
            return true;
        }
        // as UtcTimestampConverter.Read
        if (r.TokenType == JsonTokenType.String && r.TryGetDateTimeOffset(out var ts))
        {
            value = ts;
            return true;
        }
        return false;
    }
}
