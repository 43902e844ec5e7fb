using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>
/// A packet larger than the Maximum Packet Size a 5.0 client announced must not be sent to it; the server discards it
/// and behaves as if it had been sent (MQTT 5 §3.1.2.11.4). The broker did so without a trace: a device that asked
/// for 256-byte packets silently missed every larger command. Each discard is now counted
/// (<see cref="BrokerMetrics.PacketsTooLarge"/>, <c>packetsTooLarge</c> in the ingest stats) and the first one of a
/// connection is logged with its size and the limit; the client goes on getting what fits.
/// </summary>
public sealed class OversizeToClientTests
{
    private const string Limit = "Maximum Packet Size";

    [Fact]
    public async Task Messages_above_the_clients_limit_are_counted_logged_once_and_smaller_ones_still_arrive()
    {
        var log = new CapturingLogger();
        await using var h = await BrokerHarness.StartAsync(logger: log);
        var (c, _) = await RawClient.ConnectAsync(h.Port, "sc-lum-7", MqttProtocolVersion.V500, properties: new MqttProperties { MaximumPacketSize = 256 });
        await using var _c = c;
        await c.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new TopicSubscription("ci/#", 1)] });
        Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c));

        // "ci/photo": 2 + 8 topic, 2 packet id, 1 empty properties, 1,000 payload = 1,013; with the fixed header 1,016
        var photo = new byte[1000];
        h.Broker.Publish(new BrokerMessage("ci/photo", photo, 1, retain: false));
        h.Broker.Publish(new BrokerMessage("ci/photo", photo, 0, retain: false));
        h.Broker.Publish(new BrokerMessage("ci/status", "ok"u8.ToArray(), 1, retain: false));
        var status = Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.Equal("ci/status", status.Topic);
        await c.SendAsync(new PubAckPacket(PacketType.PubAck, status.PacketId));
        Assert.Equal(2, h.Broker.Metrics.PacketsTooLarge);

        var line = Assert.Single(log.Lines(Limit));
        Assert.Contains("sc-lum-7", line, StringComparison.Ordinal);
        Assert.Contains("1016 bytes", line, StringComparison.Ordinal);
        Assert.Contains("(256 bytes)", line, StringComparison.Ordinal);

        // later: one more too large, one that fits; counted again, not logged again, and the small one arrives
        h.Broker.Publish(new BrokerMessage("ci/photo", photo, 1, retain: false));
        h.Broker.Publish(new BrokerMessage("ci/status", "still ok"u8.ToArray(), 1, retain: false));
        var next = Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.Equal(("ci/status", "still ok"), (next.Topic, System.Text.Encoding.UTF8.GetString(next.Payload.Span)));
        Assert.Equal(3, h.Broker.Metrics.PacketsTooLarge);
        Assert.Single(log.Lines(Limit));
    }

    [Fact]
    public async Task An_acknowledgement_the_connection_writer_drops_as_too_large_is_counted_and_the_next_one_arrives()
    {
        var log = new CapturingLogger();
        await using var h = await BrokerHarness.StartAsync(logger: log);
        var (c, _) = await RawClient.ConnectAsync(h.Port, "tiny", MqttProtocolVersion.V500, properties: new MqttProperties { MaximumPacketSize = 40 });
        await using var _c = c;

        // a SUBACK for 40 filters: 2 packet id, 1 empty properties, 40 reason codes = 43; with the fixed header 45 bytes
        var many = Enumerable.Range(1, 40).Select(i => new TopicSubscription($"ci/{i}", 0)).ToList();
        await c.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = many });
        await c.SendAsync(new SubscribePacket { PacketId = 2, Subscriptions = [new TopicSubscription("ci/x", 0)] });
        Assert.Equal(2, Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c)).PacketId);
        Assert.Equal(1, h.Broker.Metrics.PacketsTooLarge);

        var line = Assert.Single(log.Lines(Limit));
        Assert.Contains("tiny", line, StringComparison.Ordinal);
        Assert.Contains("45 bytes", line, StringComparison.Ordinal);
        Assert.Contains("(40 bytes)", line, StringComparison.Ordinal);
    }
}
