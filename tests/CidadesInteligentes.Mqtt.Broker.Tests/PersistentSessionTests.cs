using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class PersistentSessionTests
{
    private static void Persistent(Client.MqttClientOptions o)
    {
        o.CleanStart = false;
        o.SessionExpirySeconds = 300; // ignored under 3.1.1, where clean session = false is enough
        o.AutoReconnect = false;
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Messages_published_while_offline_are_delivered_in_order_on_return(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("ingest", v, Persistent);
        await sub.SubscribeAsync("ci/#", 1);
        await sub.DisconnectAsync();
        await Testing.Wait.UntilAsync(() => !h.Broker.ConnectedClients.Contains("ingest"), "the subscriber's session is offline");
        var pub = await h.ConnectAsync("dev", v);
        for (var i = 0; i < 5; i++)
        {
            await pub.PublishAsync("ci/x", $"m{i}", 1);
        }
        var back = await h.ConnectAsync("ingest", v, Persistent);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"m{i}", BrokerHarness.Text(await BrokerHarness.NextAsync(back)));
        }
        Assert.True(await BrokerHarness.NothingAsync(back));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Offline_queue_is_bounded_and_drops_the_oldest_counting_them(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync(o => o.MaxQueuedPerSession = 3);
        var sub = await h.ConnectAsync("ingest", v, Persistent);
        await sub.SubscribeAsync("ci/#", 1);
        await sub.DisconnectAsync();
        await Testing.Wait.UntilAsync(() => !h.Broker.ConnectedClients.Contains("ingest"), "the subscriber's session is offline");
        var pub = await h.ConnectAsync("dev", v);
        for (var i = 0; i < 5; i++)
        {
            await pub.PublishAsync("ci/x", $"m{i}", 1);
        }
        // 5 queued into a bound of 3: m0 and m1 dropped, m2..m4 kept
        Assert.Equal(2, h.Broker.Metrics.MessagesDropped);
        var back = await h.ConnectAsync("ingest", v, Persistent);
        foreach (var expected in new[] { "m2", "m3", "m4" })
        {
            Assert.Equal(expected, BrokerHarness.Text(await BrokerHarness.NextAsync(back)));
        }
        Assert.True(await BrokerHarness.NothingAsync(back));
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Session_present_flag_reflects_the_stored_session(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var first = new Client.MqttClient(h.Options("s", v).With(Persistent));
        Assert.False((await first.ConnectAsync()).SessionPresent);
        await first.DisconnectAsync();
        await first.DisposeAsync();
        await using var second = new Client.MqttClient(h.Options("s", v).With(Persistent));
        Assert.True((await second.ConnectAsync()).SessionPresent);
    }

    [Fact]
    public async Task V5_session_expiry_ends_the_session_after_the_interval()
    {
        await using var h = await BrokerHarness.StartAsync();
        var sub = await h.ConnectAsync("ingest", MqttProtocolVersion.V500, o => { Persistent(o); o.SessionExpirySeconds = 1; });
        await sub.SubscribeAsync("ci/#", 1);
        await sub.DisconnectAsync();
        Assert.Equal(1, h.Broker.SessionCount);
        await Testing.Wait.UntilAsync(() => h.Broker.SessionCount == 0, "session expiry after 1 s", TimeSpan.FromSeconds(5));
        var pub = await h.ConnectAsync("dev", MqttProtocolVersion.V500);
        await pub.PublishAsync("ci/x", "lost", 1);
        await using var back = new Client.MqttClient(h.Options("ingest", MqttProtocolVersion.V500).With(Persistent));
        Assert.False((await back.ConnectAsync()).SessionPresent);
        Assert.True(await BrokerHarness.NothingAsync(back));
    }
}

internal static class OptionsExtensions
{
    public static Client.MqttClientOptions With(this Client.MqttClientOptions o, Action<Client.MqttClientOptions> change)
    {
        change(o);
        return o;
    }
}
