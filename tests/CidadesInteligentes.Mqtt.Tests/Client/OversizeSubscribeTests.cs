using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A SUBSCRIBE or UNSUBSCRIBE larger than the server's Maximum Packet Size (MQTT 5 §3.2.2.3.6) was dropped by the
/// connection's writer while the caller waited for an answer that could not come, until the link dropped; one that
/// cannot be encoded at all (a filter over 65,535 bytes) broke the writer, and with it the link. Like an oversized
/// PUBLISH, it must fail at once, naming its size and the limit, and leave the link to the other requests.
/// </summary>
public sealed class OversizeSubscribeTests
{
    private static readonly MqttProperties Max1K = new() { MaximumPacketSize = 1024 };

    private static readonly string[] ManyFilters = [.. Enumerable.Range(1, 100).Select(i => $"ci/v1/3548906/luminaire/sc-lum-{i:000}/cmd")];

    [Fact]
    public async Task Requests_larger_than_the_servers_maximum_packet_size_fail_at_once_and_the_link_serves_the_next()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(server.ClientOptions("oversize-subscribe"));
        var connecting = client.ConnectAsync();
        await using var peer = await server.AcceptAsync(Max1K);
        await connecting;

        // 100 filters of 38 bytes, each with its 2-byte length and options byte: 4,100 bytes; with the packet id (2) and
        // the empty properties (1) the remaining length is 4,103, written in 2 bytes after the 1-byte header: 4,106 bytes
        var subscribing = client.SubscribeAsync(ManyFilters.Select(f => new TopicSubscription(f, 1)));
        var error = await Assert.ThrowsAsync<MqttConnectException>(() => Wait.ForAsync(subscribing, "the oversized SUBSCRIBE fails", ScriptedServer.Limit));
        Assert.Equal(ReasonCodes.PacketTooLarge, error.ReasonCode);
        Assert.Contains("SUBSCRIBE of 100 filters", error.Message, StringComparison.Ordinal);
        Assert.Contains("4106 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("(1024 bytes)", error.Message, StringComparison.Ordinal);

        var unsubscribing = client.UnsubscribeAsync(ManyFilters);
        error = await Assert.ThrowsAsync<MqttConnectException>(() => Wait.ForAsync(unsubscribing, "the oversized UNSUBSCRIBE fails", ScriptedServer.Limit));
        Assert.Equal(ReasonCodes.PacketTooLarge, error.ReasonCode);
        Assert.Contains("UNSUBSCRIBE of 100 filters", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PendingRequestCount);

        // neither went out: the next packet the server sees is the next subscribe, answered on the same link
        await SubscribeAndGrantAsync(client, peer, ManyFilters[0]);
        Assert.Equal((1, true), (client.ConnectCount, client.IsConnected));
    }

    [Fact]
    public async Task A_filter_longer_than_an_mqtt_string_fails_the_subscribe_and_leaves_the_link_up()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(server.ClientOptions("huge-filter"));
        var connecting = client.ConnectAsync();
        await using var peer = await server.AcceptAsync();
        await connecting;

        var huge = "ci/v1/" + new string('x', 70_000);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Wait.ForAsync(client.SubscribeAsync(huge), "the subscribe with a 70,006-byte filter fails", ScriptedServer.Limit));
        Assert.Contains("65535", error.Message, StringComparison.Ordinal);
        Assert.Contains("70006", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PendingRequestCount);

        await SubscribeAndGrantAsync(client, peer, "ci/v1/3548906/luminaire/+/cmd");
        Assert.Equal((1, true), (client.ConnectCount, client.IsConnected));
    }

    private static async Task SubscribeAndGrantAsync(MqttClient client, MqttConnection peer, string filter)
    {
        var subscribing = client.SubscribeAsync(filter);
        var subscribe = await ScriptedServer.ReadAsync<SubscribePacket>(peer);
        Assert.Equal(filter, Assert.Single(subscribe.Subscriptions).Filter);
        await peer.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = { ReasonCodes.GrantedQos1 } });
        Assert.Equal([ReasonCodes.GrantedQos1], await Wait.ForAsync(subscribing, $"SUBACK for {filter}", ScriptedServer.Limit));
    }
}
