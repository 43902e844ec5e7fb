using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class V5FeatureTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    [Fact]
    public async Task Expired_message_is_not_delivered_from_the_offline_queue()
    {
        // the broker's clock is manual: the expiry passes when the test says so, not after a sleep
        var clock = new CidadesInteligentes.Testing.ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var sub = await h.ConnectAsync("ingest", V5, o => { o.CleanStart = false; o.SessionExpirySeconds = 60; o.AutoReconnect = false; });
        await sub.SubscribeAsync("ci/#", 1);
        await sub.DisconnectAsync();
        // the broker must have seen the DISCONNECT, or the message would go in flight to the closing connection
        await CidadesInteligentes.Testing.Wait.UntilAsync(() => !h.Broker.ConnectedClients.Contains("ingest"), "the subscriber's session is offline");
        var pub = await h.ConnectAsync("dev", V5);
        await pub.PublishAsync("ci/short", "stale"u8.ToArray(), 1, properties: new MqttProperties { MessageExpiryInterval = 1 });
        await pub.PublishAsync("ci/long", "fresh"u8.ToArray(), 1, properties: new MqttProperties { MessageExpiryInterval = 60 });
        clock.Advance(TimeSpan.FromMilliseconds(1300));
        var back = await h.ConnectAsync("ingest", V5, o => { o.CleanStart = false; o.SessionExpirySeconds = 60; });
        var m = await BrokerHarness.NextAsync(back);
        Assert.Equal("fresh", BrokerHarness.Text(m));
        // 60 s interval, 1.3 s spent queued: the forwarded interval is the remainder, 58.7 s, rounded up
        Assert.Equal(59u, m.Properties?.MessageExpiryInterval);
        Assert.True(await BrokerHarness.NothingAsync(back));
        Assert.Equal(1, h.Broker.Metrics.MessagesDropped);
    }

    [Fact]
    public async Task Topic_alias_set_once_then_used_with_an_empty_topic()
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", V5);
        await sub.SubscribeAsync("ci/#", 1);
        var (c, ack) = await RawClient.ConnectAsync(h.Port, "aliaser", V5);
        await using var _c = c;
        Assert.Equal((ushort)64, ack.Properties?.TopicAliasMaximum);
        await c.SendAsync(new PublishPacket { Topic = "ci/v1/3548906/luminaire/a/telemetry", Payload = "1"u8.ToArray(), Properties = new MqttProperties { TopicAlias = 3 } });
        await c.SendAsync(new PublishPacket { Topic = "", Payload = "2"u8.ToArray(), Properties = new MqttProperties { TopicAlias = 3 } });
        Assert.Equal("ci/v1/3548906/luminaire/a/telemetry", (await BrokerHarness.NextAsync(sub)).Topic);
        var second = await BrokerHarness.NextAsync(sub);
        Assert.Equal("ci/v1/3548906/luminaire/a/telemetry", second.Topic);
        Assert.Equal("2", BrokerHarness.Text(second));

        // an alias above the announced maximum is a protocol error: DISCONNECT 0x94
        await c.SendAsync(new PublishPacket { Topic = "ci/x", Properties = new MqttProperties { TopicAlias = 65 } });
        Assert.Equal(ReasonCodes.TopicAliasInvalid, Assert.IsType<DisconnectPacket>(await RawClient.ReadAsync(c)).ReasonCode);
    }

    [Fact]
    public async Task Broker_respects_the_clients_receive_maximum()
    {
        await using var h = await BrokerHarness.StartAsync();
        var (c, _) = await RawClient.ConnectAsync(h.Port, "slow", V5, properties: new MqttProperties { ReceiveMaximum = 2 });
        await using var _c = c;
        await c.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new TopicSubscription("r/#", 1)] });
        Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c));
        var pub = await h.ConnectAsync("pub", V5);
        for (var i = 0; i < 5; i++)
        {
            await pub.PublishAsync("r/x", $"{i}", 1);
        }
        var a = Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.Null(await RawClient.MaybeReadAsync(c)); // window of 2 is full
        await c.SendAsync(new PubAckPacket(PacketType.PubAck, a.PacketId));
        var third = Assert.IsType<PublishPacket>(await RawClient.ReadAsync(c));
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(third.Payload.Span));
    }

    [Fact]
    public async Task Subscription_identifiers_are_returned_with_matching_messages()
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", V5);
        await sub.SubscribeAsync([new TopicSubscription("ci/+/x", 1)], new MqttProperties { SubscriptionIdentifiers = [7] });
        await sub.SubscribeAsync([new TopicSubscription("ci/#", 1)], new MqttProperties { SubscriptionIdentifiers = [9] });
        var pub = await h.ConnectAsync("pub", V5);
        await pub.PublishAsync("ci/a/x", "both", 1);
        await pub.PublishAsync("ci/a/y", "one", 1);
        var both = await BrokerHarness.NextAsync(sub);
        Assert.Equal([7, 9], both.Properties!.SubscriptionIdentifiers!.Order());
        Assert.Equal([9], (await BrokerHarness.NextAsync(sub)).Properties!.SubscriptionIdentifiers!);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 0x80)]
    [InlineData(MqttProtocolVersion.V500, ReasonCodes.TopicFilterInvalid)]
    public async Task Suback_reason_code_for_a_bad_filter_follows_the_version(MqttProtocolVersion v, byte expected)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("sub", v);
        Assert.Equal([expected], await sub.SubscribeAsync("a/#/b", 1));
    }

    [Fact]
    public async Task Unsubscribe_reports_no_subscription_existed()
    {
        await using var h = await BrokerHarness.StartAsync();
        var (c, _) = await RawClient.ConnectAsync(h.Port, "u", V5);
        await using var _c = c;
        await c.SendAsync(new SubscribePacket { PacketId = 1, Subscriptions = [new TopicSubscription("a", 1)] });
        Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c));
        await c.SendAsync(new UnsubscribePacket { PacketId = 2, Filters = ["a", "never"] });
        var ack = Assert.IsType<SubAckPacket>(await RawClient.ReadAsync(c));
        Assert.Equal([ReasonCodes.Success, ReasonCodes.NoSubscriptionExisted], ack.ReasonCodes);
    }
}
