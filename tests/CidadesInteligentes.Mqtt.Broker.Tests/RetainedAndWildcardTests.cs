using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class RetainedAndWildcardTests
{
    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Retained_message_goes_to_new_subscribers_and_an_empty_payload_clears_it(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var pub = await h.ConnectAsync("pub", v);
        await pub.PublishAsync("ci/v1/3548906/luminaire/sc-lum-1/status", "online", 1, retain: true);
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync("ci/v1/+/luminaire/+/status", 1);
        var m = await BrokerHarness.NextAsync(sub);
        Assert.True(m.Retain);
        Assert.Equal("online", BrokerHarness.Text(m));

        await pub.PublishAsync("ci/v1/3548906/luminaire/sc-lum-1/status", ReadOnlyMemory<byte>.Empty, 1, retain: true);
        Assert.False((await BrokerHarness.NextAsync(sub)).Retain); // live delivery of the clear
        Assert.Equal(0, h.Broker.RetainedCount);
        var late = await h.ConnectAsync("late", v);
        await late.SubscribeAsync("ci/#", 1);
        Assert.True(await BrokerHarness.NothingAsync(late));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Wildcards_match_levels_and_never_dollar_topics(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        await sub.SubscribeAsync("#", 1);
        var plus = await h.ConnectAsync("plus", v);
        await plus.SubscribeAsync("a/+/c", 1);
        var pub = await h.ConnectAsync("pub", v);
        await pub.PublishAsync("$SYS/x", "sys", 1);
        await pub.PublishAsync("a/b/c", "abc", 1);
        await pub.PublishAsync("a/b/d", "abd", 1);
        Assert.Equal("abc", BrokerHarness.Text(await BrokerHarness.NextAsync(sub)));
        Assert.Equal("abd", BrokerHarness.Text(await BrokerHarness.NextAsync(sub)));
        Assert.Equal("a/b/c", (await BrokerHarness.NextAsync(plus)).Topic);
        Assert.True(await BrokerHarness.NothingAsync(plus));
        Assert.True(await BrokerHarness.NothingAsync(sub));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Invalid_filters_are_refused_in_the_suback(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        var codes = await sub.SubscribeAsync([new TopicSubscription("a/#/b", 1), new TopicSubscription("a/b+", 1), new TopicSubscription("ok/+", 1)]);
        Assert.True(codes[0] >= 0x80);
        Assert.True(codes[1] >= 0x80);
        Assert.Equal(1, codes[2]);
    }
}
