using CidadesInteligentes.Telemetry.Contract;

namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// Turns accepted contract payloads into points of <see cref="InfluxSchema"/>. Tags come from the topic (city,
/// device, kind; plus the event type); the timestamp is the payload's <c>ts</c>, or the arrival time when a status
/// (the broker-published Will) has none. A value missing from the payload is left out rather than written as zero.
/// Each method returns false, writing nothing, when a tag value is outside the safe alphabet.
/// </summary>
public static class InfluxMapping
{
    public static bool TryWrite(LineProtocolWriter w, TopicName topic, LuminaireTelemetry t, InfluxPrecision precision, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(t);
        if (!BeginDevice(w, InfluxSchema.Luminaire, topic))
        {
            return false;
        }
        Int(w, "seq", t.Seq);
        Float(w, "energyWh", t.EnergyWh);
        Int(w, "burnSeconds", t.BurnSeconds);
        Float(w, "powerW", t.PowerW);
        Float(w, "voltageV", t.VoltageV);
        Float(w, "currentA", t.CurrentA);
        Float(w, "powerFactor", t.PowerFactor);
        Int(w, "dimPercent", t.DimPercent);
        Bool(w, "lampOn", t.LampOn);
        Float(w, "ambientLux", t.AmbientLux);
        Float(w, "driverTempC", t.DriverTempC);
        Int(w, "uptimeS", t.UptimeS);
        return End(w, t.Ts ?? receivedAt, precision);
    }

    public static bool TryWrite(LineProtocolWriter w, TopicName topic, HotspotTelemetry t, InfluxPrecision precision, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(t);
        if (!BeginDevice(w, InfluxSchema.Hotspot, topic))
        {
            return false;
        }
        Int(w, "seq", t.Seq);
        Int(w, "uptimeS", t.UptimeS);
        Bool(w, "backhaulUp", t.BackhaulUp);
        Float(w, "latencyMs", t.LatencyMs);
        Float(w, "lossPercent", t.LossPercent);
        Float(w, "downMbps", t.DownMbps);
        Float(w, "upMbps", t.UpMbps);
        Bool(w, "portalOk", t.PortalOk);
        Int(w, "clients", t.Clients);
        Int(w, "uniqueClientsToday", t.UniqueClientsToday);
        Int(w, "rxBytes", t.RxBytes);
        Int(w, "txBytes", t.TxBytes);
        return End(w, t.Ts ?? receivedAt, precision);
    }

    public static bool TryWrite(LineProtocolWriter w, TopicName topic, DeviceEvent e, InfluxPrecision precision, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        if (!InfluxSchema.IsSafeTagValue(e.Type) || !BeginDevice(w, InfluxSchema.Event, topic))
        {
            return false;
        }
        w.Tag(InfluxSchema.TypeTag, e.Type!);
        Int(w, "seq", e.Seq);
        Bool(w, "active", e.Active);
        if (e.Detail is { Length: > 0 } detail)
        {
            w.Field("detail", detail);
        }
        return End(w, e.Ts ?? receivedAt, precision);
    }

    public static bool TryWrite(LineProtocolWriter w, TopicName topic, DeviceStatus s, InfluxPrecision precision, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(s);
        if (s.State is null || !BeginDevice(w, InfluxSchema.Status, topic))
        {
            return false;
        }
        w.Field("state", s.State);
        w.Field("online", s.State == "online");
        if (s.Firmware is { Length: > 0 } firmware)
        {
            w.Field("firmware", firmware);
        }
        if (s.Reason is { Length: > 0 } reason)
        {
            w.Field("reason", reason);
        }
        return End(w, s.Ts ?? receivedAt, precision);
    }

    private static bool BeginDevice(LineProtocolWriter w, string measurement, TopicName topic)
    {
        if (!InfluxSchema.IsSafeTagValue(topic.City) || !InfluxSchema.IsSafeTagValue(topic.Device))
        {
            return false;
        }
        w.Begin(measurement)
            .Tag(InfluxSchema.CityTag, topic.City)
            .Tag(InfluxSchema.DeviceTag, topic.Device)
            .Tag(InfluxSchema.KindTag, TopicName.KindText(topic.Kind));
        return true;
    }

    // A payload with no field at all (impossible once validated) is cancelled instead of written empty.
    private static bool End(LineProtocolWriter w, DateTimeOffset ts, InfluxPrecision precision)
    {
        try
        {
            w.End(ts, precision);
            return true;
        }
        catch (InvalidOperationException)
        {
            w.Cancel();
            return false;
        }
    }

    private static void Float(LineProtocolWriter w, string key, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.Field(key, v);
        }
    }

    private static void Int(LineProtocolWriter w, string key, long? value)
    {
        if (value is { } v)
        {
            w.Field(key, v);
        }
    }

    private static void Bool(LineProtocolWriter w, string key, bool? value)
    {
        if (value is { } v)
        {
            w.Field(key, v);
        }
    }
}
