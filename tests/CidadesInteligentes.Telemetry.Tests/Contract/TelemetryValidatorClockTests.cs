using System.Globalization;
using System.Text;
using CidadesInteligentes.Telemetry.Contract;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Telemetry.Tests.Contract;

/// <summary>
/// The clock-skew bounds at their edges, for every stream that carries a ts: at most 5 min ahead of the receive time
/// and at most 35 days behind it, both inclusive; one millisecond or one second past either is a <c>clock</c> reject.
/// The validator's clock is the receive time it is given (the ingestor passes its TimeProvider's now); a manual clock
/// stands in for it here.
/// </summary>
public sealed class TelemetryValidatorClockTests
{
    private static readonly ManualTimeProvider Clock = new(new DateTimeOffset(2026, 11, 22, 3, 16, 0, TimeSpan.Zero));

    // each stream's payload with its ts left as {TS}
    public static TheoryData<string, string> Streams => new()
    {
        { "ci/v1/3548906/luminaire/sc-lum-000123/telemetry", """{"v":1,"seq":42,"ts":"{TS}","energyWh":1,"burnSeconds":1,"powerW":1,"dimPercent":1,"lampOn":true,"uptimeS":1}""" },
        { "ci/v1/3548906/hotspot/sc-wifi-03/telemetry", """{"v":1,"seq":1,"ts":"{TS}","uptimeS":5,"backhaulUp":true,"latencyMs":23.5,"portalOk":true,"clients":4,"uniqueClientsToday":31,"rxBytes":10,"txBytes":20}""" },
        { "ci/v1/3548906/luminaire/sc-lum-1/event", """{"v":1,"seq":3,"ts":"{TS}","type":"lampFailure","active":true}""" },
        { "ci/v1/3548906/luminaire/sc-lum-1/cmd/ack", """{"v":1,"seq":3,"ts":"{TS}","id":"0f8c","result":"ok"}""" },
        { "ci/v1/3548906/luminaire/sc-lum-1/status", """{"v":1,"state":"online","ts":"{TS}","kind":"luminaire","firmware":"1.4.0"}""" },
    };

    private static ValidationResult At(string topic, string template, DateTimeOffset ts) =>
        TelemetryValidator.Validate(topic, Encoding.UTF8.GetBytes(template.Replace("{TS}",
            ts.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), StringComparison.Ordinal)), Clock.GetUtcNow());

    [Theory]
    [MemberData(nameof(Streams))]
    public void Ts_exactly_5_min_ahead_is_accepted_and_later_is_a_clock_reject(string topic, string template)
    {
        var now = Clock.GetUtcNow();
        Assert.Equal(TimeSpan.FromMinutes(5), TelemetryValidator.MaxFuture);
        var edge = At(topic, template, now.AddMinutes(5));
        Assert.True(edge.IsValid, edge.Describe());
        foreach (var past in new[] { TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1) }) // 5:00.001 and 5:01
        {
            var r = At(topic, template, now.AddMinutes(5) + past);
            Assert.False(r.IsValid, $"+5 min + {past}");
            Assert.Equal(RejectReasons.Clock, r.Reason);
            var problem = Assert.Single(r.Problems);
            Assert.Contains("more than 5 min in the future", problem, StringComparison.Ordinal);
            Assert.Contains("device clock not synchronised", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Ts_exactly_35_days_old_is_accepted_and_older_is_a_clock_reject(string topic, string template)
    {
        var now = Clock.GetUtcNow();
        Assert.Equal(TimeSpan.FromDays(35), TelemetryValidator.MaxAge);
        var edge = At(topic, template, now.AddDays(-35));
        Assert.True(edge.IsValid, edge.Describe());
        foreach (var past in new[] { TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1) })
        {
            var r = At(topic, template, now.AddDays(-35) - past);
            Assert.False(r.IsValid, $"-35 days - {past}");
            Assert.Equal(RejectReasons.Clock, r.Reason);
            Assert.Contains("older than 35 days", Assert.Single(r.Problems), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_bounds_move_with_the_clock()
    {
        // a message 5:01 ahead is refused now and accepted once the receive time has caught up by a second
        var clock = new ManualTimeProvider(Clock.GetUtcNow());
        const string topic = "ci/v1/3548906/luminaire/sc-lum-1/event";
        var bytes = Encoding.UTF8.GetBytes("""{"v":1,"seq":3,"ts":"2026-11-22T03:21:01Z","type":"lampFailure","active":true}""");
        Assert.Equal(RejectReasons.Clock, TelemetryValidator.Validate(topic, bytes, clock.GetUtcNow()).Reason);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(TelemetryValidator.Validate(topic, bytes, clock.GetUtcNow()).IsValid);
    }
}
