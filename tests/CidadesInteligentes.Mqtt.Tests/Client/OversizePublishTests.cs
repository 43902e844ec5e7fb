using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// MQTT 5 §3.2.2.3.6: the client must not send a packet larger than the Maximum Packet Size of the server's CONNACK.
/// Such a publish used to be dropped by the connection's writer while it stayed in flight: its task never completed
/// and it held one slot of the in-flight window for good. It must fail at once (reason 0x95) and free its slot.
/// </summary>
public sealed class OversizePublishTests
{
    private const string Topic = "ci/v1/3548906/hotspot/sc-wifi-1/telemetry";
    private static readonly MqttProperties Max1K = new() { MaximumPacketSize = 1024 };

    [Fact]
    public async Task A_publish_larger_than_the_servers_maximum_packet_size_fails_at_once_and_frees_its_slot()
    {
        using var server = new ScriptedServer();
        var options = server.ClientOptions("oversize-1");
        options.MaxInflight = 1;
        await using var client = new MqttClient(options);
        var connecting = client.ConnectAsync();
        await using var peer = await server.AcceptAsync(Max1K);
        await connecting;

        var error = await Assert.ThrowsAsync<MqttConnectException>(
            () => Wait.ForAsync(client.PublishAsync(Topic, new byte[2000]), "the oversized publish fails", ScriptedServer.Limit));
        Assert.Equal(ReasonCodes.PacketTooLarge, error.ReasonCode);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.InflightCount);

        // the only slot of the window is free: the next publish goes out and completes on its PUBACK
        var small = client.PublishAsync(Topic, new byte[100]);
        var sent = await ScriptedServer.ReadAsync<PublishPacket>(peer);
        Assert.Equal(100, sent.Payload.Length);
        await peer.SendAsync(new PubAckPacket(PacketType.PubAck, sent.PacketId));
        await Wait.ForAsync(small, "the small publish is acknowledged", ScriptedServer.Limit);
        Assert.Equal(0, client.InflightCount);
    }

    [Fact]
    public async Task A_publish_in_flight_when_a_reconnect_lowers_the_maximum_packet_size_fails_instead_of_sticking()
    {
        using var server = new ScriptedServer();
        var options = server.ClientOptions("oversize-2");
        options.MaxInflight = 1;
        await using var client = new MqttClient(options);
        var connecting = client.ConnectAsync();
        var big = Task.CompletedTask;
        await using (var first = await server.AcceptAsync())
        {
            await connecting;
            big = client.PublishAsync(Topic, new byte[2000]);
            Assert.Equal(2000, (await ScriptedServer.ReadAsync<PublishPacket>(first)).Payload.Length); // not acknowledged
        }

        // the next server accepts 1 KiB at most: the publish cannot be resent, so it fails and its slot is freed
        await using var second = await server.AcceptAsync(Max1K);
        var error = await Assert.ThrowsAsync<MqttConnectException>(() => Wait.ForAsync(big, "the oversized publish fails", ScriptedServer.Limit));
        Assert.Equal(ReasonCodes.PacketTooLarge, error.ReasonCode);
        Assert.Equal(0, client.InflightCount);

        var small = client.PublishAsync(Topic, new byte[100]);
        var sent = await ScriptedServer.ReadAsync<PublishPacket>(second);
        Assert.Equal((100, false), (sent.Payload.Length, sent.Dup));
        await second.SendAsync(new PubAckPacket(PacketType.PubAck, sent.PacketId));
        await Wait.ForAsync(small, "the small publish is acknowledged", ScriptedServer.Limit);
    }
}
