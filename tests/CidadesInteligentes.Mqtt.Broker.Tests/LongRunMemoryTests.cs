using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>
/// The cloud's broker runs for months with thousands of devices: state that no client can reach any more (expired
/// retained messages, sessions of devices that never come back, messages a client can never receive) must not stay.
/// </summary>
public sealed class LongRunMemoryTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    [Fact]
    public async Task Messages_above_the_clients_maximum_packet_size_are_discarded_and_do_not_hold_its_window()
    {
        await using var h = await BrokerHarness.StartAsync();
        var (c, _) = await RawClient.ConnectAsync(h.Port, "small", V5, properties: new MqttProperties { ReceiveMaximum = 2, MaximumPacketSize = 256 });
        await using var _c = c;
        await c.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new TopicSubscription("ci/#", 1)] });
        Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c));

        var photo = new byte[1000];
        for (var i = 0; i < 3; i++)
        {
            h.Broker.Publish(new BrokerMessage("ci/photo", photo, 1, retain: false));
        }
        h.Broker.Publish(new BrokerMessage("ci/status", "ok"u8.ToArray(), 1, retain: false));

        var p = Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.Equal("ci/status", p.Topic);
        Assert.Equal(3, h.Broker.Metrics.MessagesDropped);
        Assert.Equal(1, h.Broker.Metrics.MessagesDelivered);
    }
}
