using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Broker.Tests;

/// <summary>
/// MQTT 5 session expiry and will delay are 32-bit second counts (up to 136 years), while one timer waits at most
/// about 49.7 days: longer intervals must still end the session and send the will, on a manual clock.
/// </summary>
public sealed class LongIntervalTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    [Fact]
    public async Task A_session_kept_for_90_days_ends_after_90_days()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var sub = await h.ConnectAsync("ingest", V5, o => { o.CleanStart = false; o.SessionExpirySeconds = 90 * 86_400; o.AutoReconnect = false; });
        await sub.SubscribeAsync("ci/#", 1);
        await sub.DisconnectAsync();
        await Wait.UntilAsync(() => clock.ScheduledTimers == 1, "the session's expiry timer is set");

        clock.Advance(TimeSpan.FromDays(89));
        Assert.Equal(1, h.Broker.SessionCount);
        Assert.Equal(["ci/#"], h.Broker.SubscriptionsOf("ingest"));
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => h.Broker.SessionCount == 0, "the session ends 90 days after the disconnect");
        Assert.Empty(h.Broker.SubscriptionsOf("ingest"));
    }

    [Fact]
    public async Task A_will_delayed_60_days_goes_out_after_60_days_and_the_120_day_session_ends_after_120()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BrokerHarness.StartAsync(o => o.TimeProvider = clock);
        var watcher = await h.ConnectAsync("watcher", V5);
        await watcher.SubscribeAsync("ci/#", 1);
        var will = new WillMessage
        {
            Topic = "ci/v1/3548906/luminaire/sc-lum-1/status", Payload = "offline"u8.ToArray(), Qos = 1,
            Properties = new MqttProperties { WillDelayInterval = 60 * 86_400 },
        };
        var device = await h.ConnectAsync("device", V5, o => { o.Will = will; o.SessionExpirySeconds = 120 * 86_400; o.AutoReconnect = false; });
        await device.DisposeAsync(); // the link drops without DISCONNECT
        await Wait.UntilAsync(() => clock.ScheduledTimers == 2, "the will's and the session's timers are set");

        clock.Advance(TimeSpan.FromDays(59));
        Assert.True(await BrokerHarness.NothingAsync(watcher));
        Assert.Equal(0, h.Broker.Metrics.WillsPublished);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("offline", BrokerHarness.Text(await BrokerHarness.NextAsync(watcher)));
        Assert.Equal(1, h.Broker.Metrics.WillsPublished);

        Assert.Equal(2, h.Broker.SessionCount);
        clock.Advance(TimeSpan.FromDays(60));
        await Wait.UntilAsync(() => h.Broker.SessionCount == 1, "the device's session ends 120 days after the drop");
        Assert.Equal(["watcher"], h.Broker.ConnectedClients);
    }
}
