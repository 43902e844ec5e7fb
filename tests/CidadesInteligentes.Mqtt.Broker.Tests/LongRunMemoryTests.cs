using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>
/// The cloud's broker runs for months with thousands of devices: state that no client can reach any more (expired
/// retained messages, sessions of devices that never come back, messages a client can never receive) must not stay.
/// </summary>
public sealed class LongRunMemoryTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;
    private const string Status = "ci/v1/3548906/luminaire/sc-lum-{0}/status";

    [Fact]
    public async Task Expired_retained_messages_are_swept_from_memory_though_nobody_subscribes()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var pub = await h.ConnectAsync("dev", V5);
        for (var i = 0; i < 3; i++)
        {
            await pub.PublishAsync(string.Format(null, Status, i), "online"u8.ToArray(), 1, retain: true, properties: new MqttProperties { MessageExpiryInterval = 30 });
        }
        await pub.PublishAsync(string.Format(null, Status, "kept"), "online"u8.ToArray(), 1, retain: true);
        Assert.Equal(4, h.Broker.RetainedCount);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(4, h.Broker.RetainedCount);
        clock.Advance(TimeSpan.FromMinutes(2));
        await Wait.UntilAsync(() => h.Broker.RetainedCount == 1, "the three expired retained messages are removed by the sweep");
    }

    [Fact]
    public async Task An_expired_retained_message_found_by_a_subscription_is_removed_at_once()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var pub = await h.ConnectAsync("dev", V5);
        await pub.PublishAsync(string.Format(null, Status, 1), "online"u8.ToArray(), 1, retain: true, properties: new MqttProperties { MessageExpiryInterval = 30 });
        clock.Advance(TimeSpan.FromSeconds(31)); // expired, and earlier than any periodic sweep

        var sub = await h.ConnectAsync("watcher", V5);
        await sub.SubscribeAsync("ci/#", 1);
        Assert.True(await BrokerHarness.NothingAsync(sub));
        Assert.Equal(0, h.Broker.RetainedCount);
    }

    [Fact]
    public async Task A_311_persistent_session_ends_after_the_configured_expiry_with_its_queue()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => { o.TimeProvider = clock; o.PersistentSessionExpiry = TimeSpan.FromDays(30); });
        var sub = await h.ConnectAsync("sc-lum-1", MqttProtocolVersion.V311, o => { o.CleanStart = false; o.AutoReconnect = false; });
        await sub.SubscribeAsync("ci/v1/3548906/luminaire/sc-lum-1/cmd", 1);
        await sub.DisconnectAsync();
        await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the session's expiry timer is set");
        h.Broker.Publish(new BrokerMessage("ci/v1/3548906/luminaire/sc-lum-1/cmd", "{}"u8.ToArray(), 1, retain: false));

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(1, h.Broker.SessionCount);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => h.Broker.SessionCount == 0, "the decommissioned device's session ends 30 days after it left");
        Assert.Empty(h.Broker.SubscriptionsOf("sc-lum-1"));
    }

    [Fact]
    public async Task A_311_persistent_session_is_kept_forever_by_default()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var sub = await h.ConnectAsync("sc-lum-1", MqttProtocolVersion.V311, o => { o.CleanStart = false; o.AutoReconnect = false; });
        await sub.SubscribeAsync("ci/v1/3548906/luminaire/sc-lum-1/cmd", 1);
        await sub.DisconnectAsync();
        await Wait.UntilAsync(() => !h.Broker.ConnectedClients.Contains("sc-lum-1"), "the session is offline");
        Assert.Equal(0, clock.ScheduledTimers);
        clock.Advance(TimeSpan.FromDays(1000));
        Assert.Equal(1, h.Broker.SessionCount);
    }

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
