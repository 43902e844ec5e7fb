using System.Diagnostics;
using CidadesInteligentes.Mqtt.Packets;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

public sealed class WillTests
{
    private static WillMessage Will(string payload = "offline", MqttProperties? props = null) =>
        new() { Topic = "ci/v1/3548906/luminaire/sc-lum-1/status", Payload = System.Text.Encoding.UTF8.GetBytes(payload), Qos = 1, Properties = props };

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Will_is_published_when_the_link_drops(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var watcher = await h.ConnectAsync("watcher", v);
        await watcher.SubscribeAsync("ci/v1/+/luminaire/+/status", 1);
        var device = await h.ConnectAsync("device", v, o => { o.Will = Will(); o.AutoReconnect = false; });
        await device.DisposeAsync(); // socket closed without DISCONNECT
        var m = await BrokerHarness.NextAsync(watcher);
        Assert.Equal("offline", BrokerHarness.Text(m));
        Assert.Equal(1, h.Broker.Metrics.WillsPublished);
    }

    [Theory]
    [MemberData(nameof(BrokerHarness.Versions), MemberType = typeof(BrokerHarness))]
    public async Task Clean_disconnect_discards_the_will(MqttProtocolVersion v)
    {
        await using var h = await BrokerHarness.StartAsync();
        var watcher = await h.ConnectAsync("watcher", v);
        await watcher.SubscribeAsync("ci/#", 1);
        var device = await h.ConnectAsync("device", v, o => o.Will = Will());
        await device.DisconnectAsync();
        await Testing.Wait.UntilAsync(() => h.Broker.Metrics.Connected == 1, "device gone");
        Assert.True(await BrokerHarness.NothingAsync(watcher, 500));
        Assert.Equal(0, h.Broker.Metrics.WillsPublished);
    }

    [Fact]
    public async Task V5_disconnect_with_will_reason_still_publishes_it()
    {
        await using var h = await BrokerHarness.StartAsync();
        var watcher = await h.ConnectAsync("watcher", MqttProtocolVersion.V500);
        await watcher.SubscribeAsync("ci/#", 1);
        var device = await h.ConnectAsync("device", MqttProtocolVersion.V500, o => o.Will = Will());
        await device.DisconnectAsync(withWill: true);
        Assert.Equal("offline", BrokerHarness.Text(await BrokerHarness.NextAsync(watcher)));
    }

    [Fact]
    public async Task V5_will_delay_holds_the_will_and_a_quick_reconnect_cancels_it()
    {
        await using var h = await BrokerHarness.StartAsync();
        var watcher = await h.ConnectAsync("watcher", MqttProtocolVersion.V500);
        await watcher.SubscribeAsync("ci/#", 1);

        // delay 1 s, session kept 60 s: will goes out about 1 s after the drop, not at once
        var device = await h.ConnectAsync("device", MqttProtocolVersion.V500, o => { o.Will = Will(props: new MqttProperties { WillDelayInterval = 1 }); o.SessionExpirySeconds = 60; o.AutoReconnect = false; });
        var clock = Stopwatch.StartNew();
        await device.DisposeAsync();
        Assert.True(await BrokerHarness.NothingAsync(watcher, 600));
        Assert.Equal("offline", BrokerHarness.Text(await BrokerHarness.NextAsync(watcher)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 4);

        // drop and come back within the delay: no will
        var again = await h.ConnectAsync("device2", MqttProtocolVersion.V500, o => { o.Will = Will("gone2", new MqttProperties { WillDelayInterval = 2 }); o.SessionExpirySeconds = 60; o.AutoReconnect = false; });
        await again.DisposeAsync();
        var back = await h.ConnectAsync("device2", MqttProtocolVersion.V500, o => { o.CleanStart = false; o.SessionExpirySeconds = 60; });
        Assert.True(await BrokerHarness.NothingAsync(watcher, 2500));
    }
}
