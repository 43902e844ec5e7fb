using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class LimitTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Oversize_packet_disconnects_the_sender_only(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(o => o.MaxPacketSize = 1024);
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync("t", 1);
        var (big, _) = await RawClient.ConnectAsync(h.Port, "big", v);
        await using var _b = big;
        await big.SendAsync(new PublishPacket { Topic = "t", Payload = new byte[4000] });
        var last = await RawClient.ReadAsync(big);
        if (v == MqttProtocolVersion.V500)
        {
            Assert.Equal(ReasonCodes.PacketTooLarge, Assert.IsType<DisconnectPacket>(last).ReasonCode);
        }
        else
        {
            Assert.Null(last);
        }
        Assert.Equal(1, h.Broker.Metrics.ProtocolErrors);
        var pub = await h.ConnectAsync("pub", v);
        await pub.PublishAsync("t", "small", 1);
        Assert.Equal("small", BrokerHarness.Text(await BrokerHarness.NextAsync(sub)));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Connection_limit_refuses_the_extra_client(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(o => o.MaxConnections = 2);
        await h.ConnectAsync("a", v);
        await h.ConnectAsync("b", v);
        var e = await Assert.ThrowsAsync<MqttConnectException>(() => h.ConnectAsync("c", v));
        Assert.Equal(v == MqttProtocolVersion.V500 ? ReasonCodes.QuotaExceeded : ReasonCodes.ServerUnavailable, e.ReasonCode);
    }

    [Fact]
    public async Task Socket_without_connect_is_closed_after_the_connect_timeout()
    {
        await using var h = await BrokerHarness.StartAsync(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(300));
        using var s = await h.RawAsync();
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token)); // orderly close, nothing sent
        Assert.Equal(1, h.Broker.Metrics.ConnectionsRefused);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Hostile_garbage_is_disconnected_and_counted_while_others_keep_working(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync("t", 1);
        using var s = await h.RawAsync();
        // CONNECT whose remaining length has 5 continuation bytes: malformed variable byte integer (MQTT 1.5.5)
        await s.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, SocketFlags.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[64];
        int n;
        try
        {
            n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        }
        catch (SocketException)
        {
            n = 0; // reset also counts as disconnected
        }
        Assert.Equal(0, n);
        Assert.Equal(1, h.Broker.Metrics.ProtocolErrors);
        var pub = await h.ConnectAsync("pub", v);
        await pub.PublishAsync("t", "fine", 1);
        Assert.Equal("fine", BrokerHarness.Text(await BrokerHarness.NextAsync(sub)));
    }

    [Fact]
    public async Task Slow_reader_is_disconnected_without_stalling_the_publisher()
    {
        await using var h = await BrokerHarness.StartAsync(o => o.MaxSendQueue = 64);
        var (slow, _) = await RawClient.ConnectAsync(h.Port, "slow", MqttProtocolVersion.V311);
        await using var _s = slow;
        await slow.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new TopicSubscription("bulk", 0)] });
        Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(slow));
        // from here "slow" never reads: socket buffers fill, then its 64-packet queue
        var fast = await h.ConnectAsync("fast", MqttProtocolVersion.V311);
        await fast.SubscribeAsync("bulk", 0);
        var pub = await h.ConnectAsync("pub", MqttProtocolVersion.V311);
        var payload = new byte[32 * 1024];
        for (var i = 0; i < 2000 && h.Broker.Metrics.SlowReaderDisconnects == 0; i++)
        {
            await pub.PublishAsync("bulk", payload, 1);
            while (fast.Messages.TryRead(out _))
            {
            }
        }
        Assert.Equal(1, h.Broker.Metrics.SlowReaderDisconnects);
        await Testing.Wait.UntilAsync(() => !h.Broker.ConnectedClients.Contains("slow"), "slow reader dropped");
        await pub.PublishAsync("bulk", "after"u8.ToArray(), 1);
        await Testing.Wait.UntilAsync(() => fast.Messages.TryRead(out var m) && m.Payload.Length == 5, "fast subscriber still served");
    }
}
