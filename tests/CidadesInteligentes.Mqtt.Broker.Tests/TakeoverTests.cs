using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class TakeoverTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Same_client_id_disconnects_the_old_connection(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var old = await h.ConnectAsync("lum-1", v, o => o.AutoReconnect = false);
        var lost = new TaskCompletionSource<Exception?>();
        old.ConnectionLost += e => lost.TrySetResult(e);
        var fresh = await h.ConnectAsync("lum-1", v);
        var error = await Testing.Wait.ForAsync(lost.Task, "old connection dropped");
        Assert.False(old.IsConnected);
        if (v == MqttProtocolVersion.V500)
        {
            Assert.Contains("0x8E", error?.Message ?? "", StringComparison.Ordinal); // Session taken over
        }
        Assert.Equal(1, h.Broker.Metrics.SessionTakeovers);
        Assert.Equal(["lum-1"], h.Broker.ConnectedClients);
        await fresh.SubscribeAsync("t", 1);
        await fresh.PublishAsync("t", "still works", 1);
        Assert.Equal("still works", BrokerHarness.Text(await BrokerHarness.NextAsync(fresh)));
    }
}
