using CidadesInteligentes.Mqtt.Client;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class OverlapTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Overlapping_subscriptions_deliver_once_at_the_highest_qos(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync([new TopicSubscription("a/+", 0), new TopicSubscription("a/#", 1), new TopicSubscription("a/b", 0)]);
        var pub = await h.ConnectAsync("pub", v);
        await pub.PublishAsync("a/b", "x", 2);
        var m = await BrokerHarness.NextAsync(sub);
        Assert.Equal(1, m.Qos);
        Assert.True(await BrokerHarness.NothingAsync(sub));
    }

    [Fact]
    public async Task V5_overlap_carries_every_matching_subscription_identifier_once()
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", MqttProtocolVersion.V500);
        await sub.SubscribeAsync([new TopicSubscription("a/+", 2)], new MqttProperties { SubscriptionIdentifiers = [1] });
        await sub.SubscribeAsync([new TopicSubscription("a/#", 0)], new MqttProperties { SubscriptionIdentifiers = [2] });
        var pub = await h.ConnectAsync("pub", MqttProtocolVersion.V500);
        await pub.PublishAsync("a/b", "x", 2);
        var m = await BrokerHarness.NextAsync(sub);
        Assert.Equal(2, m.Qos);
        Assert.Equal([1, 2], m.Properties!.SubscriptionIdentifiers!.Order());
        Assert.True(await BrokerHarness.NothingAsync(sub));
    }
}
