using System.Text;
using CidadesInteligentes.Telemetry.Contract;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

public sealed class TelemetryValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 16, 0, TimeSpan.Zero);
    private const string LumTopic = "ci/v1/3548906/luminaire/sc-lum-000123/telemetry";
    private const string WifiTopic = "ci/v1/3548906/hotspot/sc-wifi-03/telemetry";

    private const string GoodLuminaire =
        """{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":123456.5,"burnSeconds":3600,"powerW":52.1,"voltageV":221.4,"dimPercent":70,"lampOn":true,"uptimeS":86400,"futureField":{"x":1}}""";

    private static ValidationResult V(string topic, string json) => TelemetryValidator.Validate(topic, Encoding.UTF8.GetBytes(json), Now);

    [Fact]
    public void Accepts_a_contract_luminaire_message_and_ignores_unknown_fields()
    {
        var r = V(LumTopic, GoodLuminaire);
        Assert.True(r.IsValid, r.Describe());
        var t = Assert.IsType<LuminaireTelemetry>(r.Payload);
        Assert.Equal(123456.5, t.EnergyWh);
        Assert.Equal(42, r.Seq);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 15, 0, TimeSpan.Zero), r.Ts);
    }

    [Fact]
    public void Accepts_hotspot_telemetry_event_ack_birth_and_will()
    {
        Assert.True(V(WifiTopic, """{"v":1,"seq":1,"ts":"2026-11-22T03:15:00Z","uptimeS":5,"backhaulUp":true,"latencyMs":23.5,"portalOk":true,"clients":4,"uniqueClientsToday":31,"rxBytes":10,"txBytes":20}""").IsValid);
        Assert.True(V("ci/v1/3548906/luminaire/sc-lum-1/event", """{"v":1,"seq":3,"ts":"2026-11-22T03:15:00Z","type":"lampFailure","active":true,"detail":"power 0.4 W with lamp on"}""").IsValid);
        Assert.True(V("ci/v1/3548906/luminaire/sc-lum-1/cmd/ack", """{"v":1,"seq":3,"ts":"2026-11-22T03:15:00Z","id":"0f8c","result":"ok"}""").IsValid);
        Assert.True(V("ci/v1/3548906/luminaire/sc-lum-1/status", """{"v":1,"state":"online","ts":"2026-11-22T03:15:00Z","kind":"luminaire","firmware":"1.4.0"}""").IsValid);
        Assert.True(V("ci/v1/3548906/luminaire/sc-lum-1/status", """{"v":1,"state":"offline"}""").IsValid);
    }

    [Theory]
    [InlineData("{not json", RejectReasons.Json)]
    [InlineData("[1,2]", RejectReasons.Json)]
    [InlineData("null", RejectReasons.Json)]
    [InlineData("""{"v":1,"seq":"42","ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Json)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":NaN,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Json)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":"Infinity","burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Json)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1e999,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Range)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":50.5,"lampOn":true,"uptimeS":1}""", RejectReasons.Json)]
    [InlineData("""{"v":1,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Missing)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":-1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Range)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":2500,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Range)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":101,"lampOn":true,"uptimeS":1}""", RejectReasons.Range)]
    [InlineData("""{"v":2,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Version)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-11-22T03:30:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Clock)]
    [InlineData("""{"v":1,"seq":42,"ts":"2026-10-01T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Clock)]
    [InlineData("""{"v":1,"seq":0,"ts":"2026-11-22T03:15:00Z","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""", RejectReasons.Range)]
    public void Rejects_bad_luminaire_payloads_with_a_reason(string json, string reason)
    {
        var r = V(LumTopic, json);
        Assert.False(r.IsValid);
        Assert.Equal(reason, r.Reason);
        Assert.NotEmpty(r.Problems);
        Assert.All(r.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p)));
    }

    [Fact]
    public void Lists_every_problem_not_only_the_first()
    {
        var r = V(LumTopic, """{"v":1,"seq":42,"ts":"2026-11-22T03:15:00Z","energyWh":-1,"powerW":9000,"dimPercent":300,"uptimeS":1}""");
        Assert.False(r.IsValid);
        Assert.Contains(r.Problems, p => p.Contains("energyWh", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Contains("burnSeconds is required", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Contains("powerW", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Contains("dimPercent", StringComparison.Ordinal));
        Assert.Contains(r.Problems, p => p.Contains("lampOn is required", StringComparison.Ordinal));
        Assert.Equal(5, r.Problems.Count);
    }

    [Fact]
    public void Rejects_unknown_city_oversize_and_device_publishing_on_cmd()
    {
        Assert.Equal(RejectReasons.City, V("ci/v1/3304557/luminaire/rj-lum-1/telemetry", GoodLuminaire).Reason);
        var big = GoodLuminaire[..^1] + ",\"pad\":\"" + new string('x', 5000) + "\"}";
        Assert.Equal(RejectReasons.Size, V(LumTopic, big).Reason);
        Assert.Equal(RejectReasons.Direction, V("ci/v1/3548906/luminaire/sc-lum-1/cmd", "{}").Reason);
        Assert.Equal(RejectReasons.Topic, V("ci/v1/3548906/luminaire/sc-lum-1/secrets", "{}").Reason);
        Assert.Equal(RejectReasons.Range, V("ci/v1/3548906/luminaire/sc-lum-1/event", """{"v":1,"seq":3,"ts":"2026-11-22T03:15:00Z","type":"coffeeBreak","active":true}""").Reason);
    }

    [Fact]
    public void Never_throws_on_random_bytes()
    {
        var random = new Random(20261122);
        var template = Encoding.UTF8.GetBytes(GoodLuminaire);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])template.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            var r = TelemetryValidator.Validate(LumTopic, bytes, Now);
            Assert.True(r.IsValid || r.Problems.Count > 0);
        }
    }
}
