using System.Diagnostics;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class KeepAliveTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Silent_client_is_dropped_after_one_and_a_half_keep_alives(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        // keep-alive 1 s: the broker must wait 1.5 s (MQTT 3.1.2.10) and not much longer
        // the clock starts before CONNECT is sent, so it can only over-measure the broker's wait
        var clock = Stopwatch.StartNew();
        var (c, _) = await RawClient.ConnectAsync(h.Port, "quiet", v, keepAlive: 1);
        await using var _c = c;
        var last = await RawClient.ReadAsync(c, 5000);
        var elapsed = clock.Elapsed.TotalSeconds;
        if (v == MqttProtocolVersion.V500)
        {
            Assert.Equal(ReasonCodes.KeepAliveTimeout, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        }
        else
        {
            Assert.Null(last);
        }
        Assert.InRange(elapsed, 1.45, 3.5); // timers may fire a few ms early
        Assert.Equal(1, h.Broker.Metrics.KeepAliveTimeouts);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Pinging_client_stays_connected(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var (c, _) = await RawClient.ConnectAsync(h.Port, "pinger", v, keepAlive: 1);
        await using var _c = c;
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(500);
            await c.SendAsync(PingPacket.Request);
            Assert.IsType<PingPacket>(await RawClient.ReadAsync(c));
        }
        Assert.Equal(0, h.Broker.Metrics.KeepAliveTimeouts);
    }
}
