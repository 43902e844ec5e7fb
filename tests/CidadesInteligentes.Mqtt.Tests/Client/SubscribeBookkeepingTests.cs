using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// A SUBSCRIBE reserves a packet id until its SUBACK. One given up by the application, or cut off with its connection
/// (the application's own or the automatic one after a reconnect without a session) used to keep its id for good:
/// on a flapping link the ids ran out, and then every publish and reconnect failed ("all 65535 packet identifiers
/// are in use"). MQTT resends only PUBLISH and PUBREL after a reconnect, so no SUBACK can come for them any more.
/// </summary>
public sealed class SubscribeBookkeepingTests
{
    private const string Commands = "ci/v1/3548906/luminaire/+/cmd";

    [Fact]
    public async Task Subscribes_given_up_or_cut_off_by_dropped_links_leave_no_packet_id_reserved()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(server.ClientOptions("subscriber"));
        var connecting = client.ConnectAsync();
        var peer = await server.AcceptAsync();
        try
        {
            await connecting;
            // one granted subscription: from now on every reconnect without a session subscribes again by itself
            await SubscribeAndGrantAsync(client, peer, Commands);

            // given up by the application (its token fires) while the link stays up
            using (var giveUp = new CancellationTokenSource())
            {
                var abandoned = client.SubscribeAsync([new TopicSubscription("ci/v1/3548906/hotspot/+/cmd", 1)], null, giveUp.Token);
                await ScriptedServer.ReadAsync<SubscribePacket>(peer); // never answered
                await giveUp.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(abandoned, "the given-up subscribe ends", ScriptedServer.Limit));
            }

            SubscribePacket? again = null;
            for (var i = 0; i < 20; i++)
            {
                var cut = client.SubscribeAsync($"ci/v1/3548906/hotspot/sc-wifi-{i}/cmd");
                await ScriptedServer.ReadAsync<SubscribePacket>(peer); // seen, never answered: the link drops first
                await peer.DisposeAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(cut, "the cut-off subscribe fails", ScriptedServer.Limit));
                peer = await server.AcceptAsync();
                again = await ScriptedServer.ReadAsync<SubscribePacket>(peer); // the automatic one, unanswered until the link drops
                Assert.Equal(Commands, Assert.Single(again.Subscriptions).Filter);
            }
            Assert.Equal(21, client.ConnectCount);
            Assert.Equal(1, client.PendingRequestCount); // the automatic subscribe on the live link
            await peer.SendAsync(new SubAckPacket { PacketId = again!.PacketId, ReasonCodes = { ReasonCodes.GrantedQos1 } });
            await Wait.UntilAsync(() => client.PendingRequestCount == 0, "the automatic subscribe answered");

            // subscribing still works, and nothing is left waiting once it is answered
            await SubscribeAndGrantAsync(client, peer, "ci/v1/3548906/hotspot/+/status");
            Assert.Equal(0, client.PendingRequestCount);
        }
        finally
        {
            await peer.DisposeAsync();
        }
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
