using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Client;

/// <summary>
/// After a reconnect without a session the client subscribes again to every filter it remembers. It did so in one
/// SUBSCRIBE, and when that was larger than the server's Maximum Packet Size (MQTT 5 §3.2.2.3.6) the connection's
/// writer dropped it: no subscription was restored, and nothing said so. The filters now go in as many SUBSCRIBE
/// packets as the limit needs, and a filter that cannot fit even alone is logged as not restored.
/// </summary>
public sealed class ResubscribeSplitTests
{
    private static readonly MqttProperties Max1K = new() { MaximumPacketSize = 1024 };

    private static readonly string[] ManyFilters = [.. Enumerable.Range(1, 100).Select(i => $"ci/v1/3548906/luminaire/sc-lum-{i:000}/cmd")];

    [Fact]
    public async Task A_reconnect_without_a_session_restores_every_filter_in_subscribes_that_fit_the_servers_limit()
    {
        using var server = new ScriptedServer();
        await using var client = new MqttClient(server.ClientOptions("many-filters"));
        var connecting = client.ConnectAsync();
        await using (var first = await server.AcceptAsync(Max1K))
        {
            await connecting;
            // ten filters a time: 10 × 41 + 6 = 416 bytes, within the limit
            foreach (var chunk in ManyFilters.Chunk(10))
            {
                var subscribing = client.SubscribeAsync(chunk.Select(f => new TopicSubscription(f, 1)));
                var subscribe = await ScriptedServer.ReadAsync<SubscribePacket>(first);
                await first.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = [.. chunk.Select(_ => ReasonCodes.GrantedQos1)] });
                await Wait.ForAsync(subscribing, "SUBACK for ten filters", ScriptedServer.Limit);
            }
        }

        // the link drops; the server has no session (CONNACK session present 0), so all 100 (4,106 bytes in one
        // SUBSCRIBE) must come again
        await using var second = await server.AcceptAsync(Max1K);
        var seen = new List<string>();
        var sizes = new List<long>();
        while (seen.Count < ManyFilters.Length)
        {
            var before = second.BytesReceived;
            var subscribe = await ScriptedServer.ReadAsync<SubscribePacket>(second);
            sizes.Add(second.BytesReceived - before);
            seen.AddRange(subscribe.Subscriptions.Select(s => s.Filter));
            Assert.All(subscribe.Subscriptions, s => Assert.Equal(1, s.Qos));
            await second.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = [.. subscribe.Subscriptions.Select(_ => ReasonCodes.GrantedQos1)] });
        }

        Assert.Equal(ManyFilters.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.All(sizes, size => Assert.InRange(size, 1, 1024));
        Assert.True(sizes.Count >= 5, $"{sizes.Count} SUBSCRIBE packets for 4,106 bytes at 1,024 bytes each");
        await Wait.UntilAsync(() => client.PendingRequestCount == 0, "every automatic subscribe answered", ScriptedServer.Limit);
        Assert.Equal((2, true), (client.ConnectCount, client.IsConnected));
    }

    [Fact]
    public async Task A_filter_too_large_for_the_new_servers_limit_is_logged_and_the_others_are_restored()
    {
        using var server = new ScriptedServer();
        var log = new CapturingLogger();
        await using var client = new MqttClient(server.ClientOptions("huge-filter-resubscribe"), log);
        var huge = "ci/v1/3548906/luminaire/" + new string('x', 1100) + "/cmd";
        const string Small = "ci/v1/3548906/luminaire/+/cmd";
        var connecting = client.ConnectAsync();
        await using (var first = await server.AcceptAsync())
        {
            await connecting;
            var subscribing = client.SubscribeAsync([new TopicSubscription(huge, 1), new TopicSubscription(Small, 1)]);
            var subscribe = await ScriptedServer.ReadAsync<SubscribePacket>(first);
            await first.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = { ReasonCodes.GrantedQos1, ReasonCodes.GrantedQos1 } });
            await Wait.ForAsync(subscribing, "SUBACK for both filters", ScriptedServer.Limit);
        }

        // the server it reconnects to takes at most 1,024 bytes: the 1,128-byte filter alone makes a 1,137-byte SUBSCRIBE
        await using var second = await server.AcceptAsync(Max1K);
        var again = await ScriptedServer.ReadAsync<SubscribePacket>(second);
        Assert.Equal(Small, Assert.Single(again.Subscriptions).Filter);
        await second.SendAsync(new SubAckPacket { PacketId = again.PacketId, ReasonCodes = { ReasonCodes.GrantedQos1 } });

        await Wait.UntilAsync(() => log.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("not restored", StringComparison.Ordinal)) == 1, "the warning for the filter not restored", ScriptedServer.Limit);
        var warning = Assert.Single(log.Snapshot(), e => e.Message.Contains("not restored", StringComparison.Ordinal));
        Assert.Contains("ci/v1/3548906/luminaire/xxx", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1137 bytes", warning.Message, StringComparison.Ordinal);
        Assert.Contains("(1024 bytes)", warning.Message, StringComparison.Ordinal);
        await Wait.UntilAsync(() => client.PendingRequestCount == 0, "the automatic subscribe answered", ScriptedServer.Limit);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_filter_the_server_refuses_when_it_is_restored_is_logged_with_the_reason()
    {
        using var server = new ScriptedServer();
        var log = new CapturingLogger();
        await using var client = new MqttClient(server.ClientOptions("refused-resubscribe"), log);
        const string Cmd = "ci/v1/3548906/luminaire/sc-lum-000001/cmd";
        const string Other = "ci/v1/3548906/luminaire/sc-lum-000001/config";
        var connecting = client.ConnectAsync();
        await using (var first = await server.AcceptAsync())
        {
            await connecting;
            var subscribing = client.SubscribeAsync([new TopicSubscription(Cmd, 1), new TopicSubscription(Other, 1)]);
            var subscribe = await ScriptedServer.ReadAsync<SubscribePacket>(first);
            await first.SendAsync(new SubAckPacket { PacketId = subscribe.PacketId, ReasonCodes = { ReasonCodes.GrantedQos1, ReasonCodes.GrantedQos1 } });
            await Wait.ForAsync(subscribing, "SUBACK for both filters", ScriptedServer.Limit);
        }

        // the broker it comes back to (ACL changed meanwhile) refuses the command topic: without a word the device
        // would never receive another command
        await using var second = await server.AcceptAsync();
        var again = await ScriptedServer.ReadAsync<SubscribePacket>(second);
        Assert.Equal([Cmd, Other], again.Subscriptions.Select(s => s.Filter));
        await second.SendAsync(new SubAckPacket { PacketId = again.PacketId, ReasonCodes = { ReasonCodes.NotAuthorized, ReasonCodes.GrantedQos1 } });

        await Wait.UntilAsync(() => log.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("refused", StringComparison.Ordinal)) == 1, "the warning for the refused filter", ScriptedServer.Limit);
        var warning = Assert.Single(log.Snapshot(), e => e.Message.Contains("refused", StringComparison.Ordinal));
        Assert.Contains(Cmd, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Other, warning.Message, StringComparison.Ordinal);
        Assert.Contains("0x87", warning.Message, StringComparison.Ordinal);
        Assert.Contains("not authorized", warning.Message, StringComparison.Ordinal);
        Assert.True(client.IsConnected);
    }
}
