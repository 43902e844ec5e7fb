using CidadesInteligentes.Cloud.Influx;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Cloud.Tests.Influx;

public sealed class InfluxMappingTests
{
    private static readonly DateTimeOffset Ts = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero); // 1,795,348,800 s
    private static readonly DateTimeOffset Received = Ts.AddSeconds(5);

    private static TopicName Topic(DeviceKind kind, string device, TopicStream stream = TopicStream.Telemetry) =>
        new("3550308", kind, device, stream);

    [Fact]
    public void Luminaire_telemetry_becomes_one_typed_point_tagged_by_city_device_and_kind()
    {
        var w = new LineProtocolWriter();
        var t = new LuminaireTelemetry
        {
            V = 1, Seq = 42, Ts = Ts, EnergyWh = 123456.5, BurnSeconds = 7200, PowerW = 58.25, VoltageV = 220.1, CurrentA = 0.27,
            PowerFactor = 0.98, DimPercent = 70, LampOn = true, AmbientLux = 3.5, DriverTempC = 41, UptimeS = 86400,
        };
        Assert.True(InfluxMapping.TryWrite(w, Topic(DeviceKind.Luminaire, "sp-lum-000001"), t, InfluxPrecision.Seconds, Received));
        Assert.Equal(
            "luminaire_telemetry,city=3550308,device=sp-lum-000001,kind=luminaire seq=42i,energyWh=123456.5,burnSeconds=7200i," +
            "powerW=58.25,voltageV=220.1,currentA=0.27,powerFactor=0.98,dimPercent=70i,lampOn=true,ambientLux=3.5," +
            "driverTempC=41,uptimeS=86400i 1795348800",
            w.LastLine());
        AssertMatchesSchema(w.LastLine());
    }

    [Fact]
    public void Hotspot_telemetry_leaves_out_missing_values_instead_of_writing_zero()
    {
        var w = new LineProtocolWriter();
        var t = new HotspotTelemetry { V = 1, Seq = 7, Ts = Ts, BackhaulUp = true, LatencyMs = 23.5, Clients = 12, RxBytes = 5_000_000_000 };
        Assert.True(InfluxMapping.TryWrite(w, Topic(DeviceKind.Hotspot, "sp-hot-000002"), t, InfluxPrecision.Seconds, Received));
        Assert.Equal(
            "hotspot_telemetry,city=3550308,device=sp-hot-000002,kind=hotspot seq=7i,backhaulUp=true,latencyMs=23.5,clients=12i,rxBytes=5000000000i 1795348800",
            w.LastLine());
        AssertMatchesSchema(w.LastLine());
    }

    [Fact]
    public void Events_carry_their_type_as_a_tag_and_the_detail_as_a_string()
    {
        var w = new LineProtocolWriter();
        var e = new DeviceEvent { V = 1, Seq = 3, Ts = Ts, Type = EventTypes.LampFailure, Active = true, Detail = "powerW 0.4 with \"lampOn\"" };
        Assert.True(InfluxMapping.TryWrite(w, Topic(DeviceKind.Luminaire, "sp-lum-000001", TopicStream.Event), e, InfluxPrecision.Seconds, Received));
        Assert.Equal(
            "device_event,city=3550308,device=sp-lum-000001,kind=luminaire,type=lampFailure seq=3i,active=true,detail=\"powerW 0.4 with \\\"lampOn\\\"\" 1795348800",
            w.LastLine());
        AssertMatchesSchema(w.LastLine());
    }

    [Fact]
    public void A_will_without_ts_is_stamped_with_the_arrival_time()
    {
        var w = new LineProtocolWriter();
        var s = new DeviceStatus { V = 1, State = "offline" };
        Assert.True(InfluxMapping.TryWrite(w, Topic(DeviceKind.Hotspot, "sp-hot-000002", TopicStream.Status), s, InfluxPrecision.Seconds, Received));
        Assert.Equal("device_status,city=3550308,device=sp-hot-000002,kind=hotspot state=\"offline\",online=false 1795348805", w.LastLine());
        AssertMatchesSchema(w.LastLine());
    }

    [Fact]
    public void Unsafe_tag_values_write_nothing()
    {
        var w = new LineProtocolWriter();
        var t = new LuminaireTelemetry { V = 1, Seq = 1, Ts = Ts, EnergyWh = 1 };
        Assert.False(InfluxMapping.TryWrite(w, Topic(DeviceKind.Luminaire, "bad device,x=1"), t, InfluxPrecision.Seconds, Received));
        var e = new DeviceEvent { V = 1, Seq = 1, Ts = Ts, Type = "lamp failure", Active = true };
        Assert.False(InfluxMapping.TryWrite(w, Topic(DeviceKind.Luminaire, "sp-lum-000001"), e, InfluxPrecision.Seconds, Received));
        Assert.Equal("", w.ToString());
    }

    [Fact]
    public void Every_schema_name_is_safe()
    {
        foreach (var m in InfluxSchema.Measurements.Values)
        {
            Assert.True(InfluxSchema.IsSafeName(m.Name), m.Name);
            Assert.All(m.Tags, t => Assert.True(InfluxSchema.IsSafeName(t), t));
            Assert.All(m.Fields.Keys, f => Assert.True(InfluxSchema.IsSafeName(f), f));
            Assert.Empty(m.Tags.Intersect(m.Fields.Keys));
        }
        Assert.False(InfluxSchema.IsSafeName("energy Wh"));
        Assert.False(InfluxSchema.IsSafeName("1st"));
    }

    // The mapped names are plain ([A-Za-z0-9_]) so the line splits on ' ', ',' and '=' outside string values.
    private static void AssertMatchesSchema(string line)
    {
        var seriesEnd = line.IndexOf(' ', StringComparison.Ordinal);
        var series = line[..seriesEnd].Split(',');
        var m = InfluxSchema.Measurements[series[0]];
        Assert.Equal(m.Tags.Order(StringComparer.Ordinal), series.Skip(1).Select(t => t.Split('=')[0]).Order(StringComparer.Ordinal));
        var fieldsText = line[(seriesEnd + 1)..line.LastIndexOf(' ')];
        foreach (var field in SplitFields(fieldsText))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var key = field[..eq];
            var value = field[(eq + 1)..];
            Assert.True(m.Fields.TryGetValue(key, out var type), $"{m.Name} has no field {key}");
            var actual = value switch
            {
                ['"', ..] => InfluxFieldType.String,
                "true" or "false" => InfluxFieldType.Boolean,
                [.., 'i'] => InfluxFieldType.Integer,
                _ => InfluxFieldType.Float,
            };
            Assert.Equal(type, actual);
        }
    }

    private static IEnumerable<string> SplitFields(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ',' && !quoted)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
