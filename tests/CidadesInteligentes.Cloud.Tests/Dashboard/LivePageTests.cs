using CidadesInteligentes.Cloud.Live;
using CidadesInteligentes.Cloud.Tests.Host;
using CidadesInteligentes.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CidadesInteligentes.Cloud.Tests.Dashboard;

/// <summary>The page's live connection when the stream fails the way it does behind a reverse proxy.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LivePageTests(DashboardBrowser browser)
{
    private const string Lamp = "sc-lum-000020";

    /// <summary>Answers the page's first <paramref name="failures"/> /api/live requests as a proxy does while the cloud restarts.</summary>
    private static Task<Func<int>> ProxyErrorsAsync(DashboardSession s, int failures)
    {
        var seen = 0;
        return ProxyErrorsAsync(s, () => Volatile.Read(ref seen) <= failures, () => Interlocked.Increment(ref seen));
    }

    /// <summary>Answers the page's /api/live requests with a 502 while <paramref name="failing"/> says so.</summary>
    private static async Task<Func<int>> ProxyErrorsAsync(DashboardSession s, Func<bool> failing, Action? counted = null)
    {
        var seen = 0;
        await s.Page.RouteAsync("**/api/live*", async r =>
        {
            Interlocked.Increment(ref seen);
            counted?.Invoke();
            if (failing())
            {
                await r.FulfillAsync(new RouteFulfillOptions { Status = 502, ContentType = "text/html", Body = "<html><body>502 Bad Gateway</body></html>" });
            }
            else
            {
                await r.ContinueAsync();
            }
        });
        return () => Volatile.Read(ref seen);
    }

    [Fact]
    public async Task The_page_connects_again_after_the_proxy_answered_502_while_the_cloud_restarted()
    {
        await using var cloud = await CloudApp.StartAsync();
        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        var requests = await ProxyErrorsAsync(s, failures: 2);
        await s.GoAsync("/");
        await Wait.UntilAsync(() => requests() >= 1, "the page asked for /api/live");
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "false");

        // the browser's EventSource gives up for good on a 502: the page has to try again itself
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = 20_000 });
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers == 1, "one stream open");
        Assert.Equal(3, requests());
        await Expect(s.ById("live-status")).ToContainTextAsync("Ao vivo");
        // the page loads /api/live failing twice; a 502 the browser reports is a failed resource, not a page error
        lock (s.Errors)
        {
            s.Errors.RemoveAll(e => e.Contains("502", StringComparison.Ordinal) || e.Contains("EventSource", StringComparison.Ordinal));
        }
        s.AssertNoErrors();
    }

    [Fact]
    public async Task After_a_lost_stream_the_open_device_page_shows_what_happened_meanwhile()
    {
        await using var cloud = await CloudApp.StartAsync();
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, t0, powerW: 55, dim: 100));

        await using var s = await DashboardSession.OpenAsync(browser, cloud.Http.BaseAddress!);
        var failing = true;
        var requests = await ProxyErrorsAsync(s, () => Volatile.Read(ref failing));
        await s.GoAsync($"/device/{Lamp}");
        Assert.Equal("55,0", await s.TextAsync("device-powerW"));
        await Wait.UntilAsync(() => requests() >= 2, "the page tried the stream again");

        // while the stream is down a reading and a fault arrive; the page cannot hear of them
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(2, t0.AddMinutes(1), energyWh: 1001, powerW: 1987.25, dim: 35));
        await dev.PublishAsync(Payload.Topic(Lamp, "event"), Payload.Event(3, t0.AddMinutes(2), "lampFailure", true, "power 0.4 W with lamp on"));
        await Wait.UntilAsync(async () => (await cloud.GetJsonAsync($"/api/devices/{Lamp}")).GetProperty("events").GetArrayLength() == 1, "event stored");
        Volatile.Write(ref failing, false);

        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = 20_000 });
        await Expect(s.ById("device-powerW")).ToHaveTextAsync("1.987,3");
        await Expect(s.ById("device-dimPercent")).ToHaveTextAsync("35");
        await Expect(s.ById("device-openAlerts")).ToHaveTextAsync("1");
        await Expect(s.ById("device-events")).ToContainTextAsync("power 0.4 W with lamp on");
        await Expect(s.ById("device-chart")).ToHaveAttributeAsync("data-points", "2");
        lock (s.Errors)
        {
            s.Errors.RemoveAll(e => e.Contains("502", StringComparison.Ordinal) || e.Contains("EventSource", StringComparison.Ordinal));
        }
        s.AssertNoErrors();
    }

    [Fact]
    public async Task A_stream_that_goes_silent_without_closing_is_noticed_replaced_and_the_page_catches_up()
    {
        // a heartbeat every second: the page gives a stream three of them
        await using var cloud = await CloudApp.StartAsync(null, "--Api:LiveHeartbeatSeconds", "1");
        var dev = await cloud.DeviceAsync(Lamp);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await dev.PublishAsync(Payload.Topic(Lamp, "status"), Payload.Status("online", t0), 1, retain: true);
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(1, t0, powerW: 55, dim: 100));

        await using var proxy = SilentProxy.Start(cloud.Http.BaseAddress!);
        await using var s = await DashboardSession.OpenAsync(browser, proxy.Address);
        // the page's second stream waits until the test has seen the page say it lost the first: the 'reconnecting'
        // state may otherwise last less than one look of the test
        var seenReconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = 0;
        await s.Page.RouteAsync("**/api/live*", async r =>
        {
            if (Interlocked.Increment(ref streams) > 1)
            {
                await seenReconnecting.Task;
            }
            try
            {
                await r.ContinueAsync();
            }
            catch (PlaywrightException)
            {
                // the page gave up on this attempt meanwhile and made another
            }
        });
        await s.GoAsync($"/device/{Lamp}");
        Assert.Equal("55,0", await s.TextAsync("device-powerW"));
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true");

        // a quiet stream that is alive is left alone: heartbeats for longer than three intervals, still the first stream
        await Wait.UntilAsync(() => proxy.HeartbeatsPassed >= 5, "five heartbeats passed to the page");
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true");
        Assert.Equal(1, proxy.LiveStreams);

        // the stream dies silently; a reading arrives and goes into the dead connection
        Assert.Equal(1, proxy.SilenceLiveStreams());
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(2, t0.AddMinutes(1), energyWh: 1001, powerW: 1987.25, dim: 35));
        await Wait.UntilAsync(async () => (await cloud.GetJsonAsync($"/api/devices/{Lamp}")).GetProperty("recent").GetArrayLength() == 2, "reading stored");

        // no heartbeat for three intervals: the page says so and stops trusting what it shows
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 15_000 });
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "false");
        await Expect(s.ById("live-status")).ToContainTextAsync("reconectando");
        Assert.Equal("55,0", await s.TextAsync("device-powerW"));
        seenReconnecting.SetResult();

        // a new stream, and the page reads the API again for what the dead one lost
        await Expect(s.ById("live-status")).ToHaveAttributeAsync("data-connected", "true", new() { Timeout = 20_000 });
        await Expect(s.ById("device-powerW")).ToHaveTextAsync("1.987,3");
        await Expect(s.ById("device-dimPercent")).ToHaveTextAsync("35");
        await Expect(s.ById("device-chart")).ToHaveAttributeAsync("data-points", "2");
        Assert.Equal(2, proxy.LiveStreams);
        // the page closed the dead stream: the cloud keeps only the new one
        await Wait.UntilAsync(() => cloud.Get<LiveHub>().Subscribers == 1, "one stream open in the cloud");

        // and the new stream brings updates live
        await dev.PublishAsync(Payload.Topic(Lamp, "telemetry"), Payload.Luminaire(3, t0.AddMinutes(2), energyWh: 1002, powerW: 42, dim: 20));
        await Expect(s.ById("device-powerW")).ToHaveTextAsync("42,0");
        await Expect(s.ById("device-chart")).ToHaveAttributeAsync("data-points", "3");
        s.AssertNoErrors();
    }
}
