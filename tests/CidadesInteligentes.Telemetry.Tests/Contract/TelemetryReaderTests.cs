using System.Text;
using System.Text.Json;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

/// <summary>
/// The validator's fast telemetry reader either builds exactly the object <c>JsonSerializer</c> builds, or declines
/// and leaves the payload to the serializer (and its diagnosis), so accepted and rejected messages are unchanged.
/// </summary>
public sealed class TelemetryReaderTests
{
    private const string Luminaire =
        """{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":123456.5,"burnSeconds":3600,"powerW":52.1,"voltageV":221.4,"currentA":0.25,"powerFactor":0.97,"dimPercent":70,"lampOn":true,"ambientLux":3.1,"driverTempC":41.5,"uptimeS":86400}""";

    private const string Hotspot =
        """{"v":1,"seq":7,"ts":"2026-11-22T03:15:00.250-03:00","uptimeS":5,"backhaulUp":true,"latencyMs":23.5,"lossPercent":0.5,"downMbps":95.2,"upMbps":20,"portalOk":false,"clients":4,"uniqueClientsToday":31,"rxBytes":10,"txBytes":20}""";

    /// <summary>Payloads the fast reader must read itself (the common shapes of valid and range-rejected messages).</summary>
    public static TheoryData<string> Read => new()
    {
        Luminaire,
        Luminaire.Replace("\"v\":1,", "", StringComparison.Ordinal), // missing field: null, reported by the rules
        Luminaire.Replace("\"powerW\":52.1", "\"powerW\":99999", StringComparison.Ordinal),
        Luminaire.Replace("\"voltageV\":221.4", "\"voltageV\":null", StringComparison.Ordinal),
        Luminaire.Replace("}", ",\"futureField\":{\"x\":[1,{\"y\":null}]},\"other\":\"s\"}", StringComparison.Ordinal),
        Luminaire.Replace("}", ",\"seq\":43}", StringComparison.Ordinal), // repeated: the last wins
        Luminaire.Replace("}", ",\"EnergyWh\":5}", StringComparison.Ordinal), // names are case-sensitive: unknown
        Luminaire.Replace("\"energyWh\":123456.5", "\"energyWh\":1.2345e5", StringComparison.Ordinal),
        " \n" + Luminaire + " \r\n\t",
        "{}",
    };

    /// <summary>Payloads the fast reader must leave to the serializer (which throws, or needs its own reading).</summary>
    public static TheoryData<string> Declined => new()
    {
        Luminaire.Replace("\"energyWh\":123456.5", "\"energyWh\":\"123456.5\"", StringComparison.Ordinal), // number as a string
        Luminaire.Replace("\"dimPercent\":70", "\"dimPercent\":70.5", StringComparison.Ordinal),
        Luminaire.Replace("\"dimPercent\":70", "\"dimPercent\":3000000000", StringComparison.Ordinal),
        Luminaire.Replace("\"lampOn\":true", "\"lampOn\":1", StringComparison.Ordinal),
        Luminaire.Replace("\"ts\":\"2026-11-22T03:15:00Z\"", "\"ts\":\"yesterday\"", StringComparison.Ordinal),
        Luminaire.Replace("\"ts\":\"2026-11-22T03:15:00Z\"", "\"ts\":1700000000", StringComparison.Ordinal),
        Luminaire + "{}",
        Luminaire + "x",
        Luminaire.Replace("}", ",}", StringComparison.Ordinal),
        Luminaire.Replace("{", "{/* c */", StringComparison.Ordinal),
        Luminaire[..^10],
        "[" + Luminaire + "]",
        "null",
        "42",
        "",
        "{\"x\":" + string.Concat(Enumerable.Repeat("[", 20)) + string.Concat(Enumerable.Repeat("]", 20)) + "}",
    };

    [Theory]
    [MemberData(nameof(Read))]
    public void Reads_what_the_serializer_reads_into_the_same_luminaire(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var fast = TelemetryReader.TryReadLuminaire(bytes);
        Assert.NotNull(fast);
        var slow = JsonSerializer.Deserialize(bytes, TelemetryJson.Default.LuminaireTelemetry);
        Assert.Equal(JsonSerializer.Serialize(slow, TelemetryJson.Default.LuminaireTelemetry), JsonSerializer.Serialize(fast, TelemetryJson.Default.LuminaireTelemetry));
    }

    [Fact]
    public void Reads_every_hotspot_field_as_the_serializer_does()
    {
        var bytes = Encoding.UTF8.GetBytes(Hotspot);
        var fast = TelemetryReader.TryReadHotspot(bytes);
        Assert.NotNull(fast);
        var slow = JsonSerializer.Deserialize(bytes, TelemetryJson.Default.HotspotTelemetry);
        Assert.Equal(JsonSerializer.Serialize(slow, TelemetryJson.Default.HotspotTelemetry), JsonSerializer.Serialize(fast, TelemetryJson.Default.HotspotTelemetry));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 15, 0, 250, TimeSpan.Zero), fast.Ts);
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public void Leaves_anything_else_to_the_serializer(string json) =>
        Assert.Null(TelemetryReader.TryReadLuminaire(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void An_escaped_field_name_is_left_to_the_serializer_which_accepts_it()
    {
        var bytes = Encoding.UTF8.GetBytes(Luminaire.Replace("\"energyWh\"", "\"energy\\u0057h\"", StringComparison.Ordinal));
        Assert.Null(TelemetryReader.TryReadLuminaire(bytes));
        var r = TelemetryValidator.Validate("ci/v1/3548906/luminaire/sc-lum-000123/telemetry", bytes, new DateTimeOffset(2026, 11, 22, 3, 16, 0, TimeSpan.Zero));
        Assert.True(r.IsValid, r.Describe());
        Assert.Equal(123456.5, Assert.IsType<LuminaireTelemetry>(r.Payload).EnergyWh);
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public void A_declined_luminaire_is_still_judged_by_the_serializer_and_its_diagnosis(string json)
    {
        var r = TelemetryValidator.Validate("ci/v1/3548906/luminaire/sc-lum-000123/telemetry", Encoding.UTF8.GetBytes(json), new DateTimeOffset(2026, 11, 22, 3, 16, 0, TimeSpan.Zero));
        Assert.False(r.IsValid);
        Assert.NotEmpty(r.Problems);
    }
}
